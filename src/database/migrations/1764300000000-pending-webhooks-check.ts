import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a vendor's webhooks wait for a call this connection has not tied to them yet,
 * read with a snapshot of its own. A create that learns its vendor call id writes it in one
 * statement, under the vendor-id lock (CallLedger.applyIfUnchanged). That statement's own
 * snapshot was taken before it waited for the lock, so it would miss a webhook that webhook
 * ingest parked and committed while holding the lock. A VOLATILE PL/pgSQL function runs its
 * query with a fresh snapshot under READ COMMITTED, and PL/pgSQL is never inlined into the
 * caller. `after_lock` is a value of the lock's CTE: passing it keeps the call after the lock.
 */
export class PendingWebhooksCheck1764300000000 implements MigrationInterface {
  name = 'PendingWebhooksCheck1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION switchboard_webhooks_pending(p_connection_id text, p_provider_call_id text, after_lock int)
      RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RETURN EXISTS (
          SELECT 1 FROM inbound_webhooks
          WHERE state = 'pending' AND provider_call_id = p_provider_call_id AND connection_id = p_connection_id);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION switchboard_webhooks_pending(text, text, int)`);
  }
}
