import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The call a vendor id is tied to on a connection, looked up after the vendor-id lock is
 * granted, with a snapshot taken after the wait: webhook ingest stores a webhook, takes the
 * lock, finds its call and locks the call's row in one statement (InboundWebhooksService),
 * where it took three. In one plain statement the lookup would read the statement's own
 * snapshot, taken before the lock wait, and miss the vendor id a create's answer committed
 * while holding the lock (CallLedger.applyIfUnchanged). A VOLATILE PL/pgSQL function runs
 * its query with a fresh snapshot under READ COMMITTED, as switchboard_webhooks_pending does.
 */
export class CallByVendorId1764700000000 implements MigrationInterface {
  name = 'CallByVendorId1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION switchboard_call_by_vendor_id(p_lock_key text, p_connection_id text, p_provider_call_id text)
      RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(p_lock_key));
        RETURN (SELECT call_id FROM call_vendor_ids
                WHERE provider_call_id = p_provider_call_id AND connection_id = p_connection_id);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION switchboard_call_by_vendor_id(text, text, text)`);
  }
}
