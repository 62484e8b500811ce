import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A create's vendor answer as a HOT update (issue #15: Postgres CPU per create). The answer
 * (CallLedger.applyIfUnchanged) sets provider_call_id, and while an index of `calls` covered
 * that column Postgres could never update the row in place: every index of `calls` got a new
 * entry for the answer's row version, the number-grams GIN with its SQL function evaluated
 * again among them. So the vendor id's index moves out of `calls`:
 *
 * - `call_vendor_ids` holds (provider_call_id, connection_id) → call_id, with the rule the
 *   partial unique index calls_provider_call kept: one call per vendor id on a connection. A
 *   second call claiming one now fails on call_vendor_ids_pkey (23505, in the same statement
 *   as the write of `calls`, so neither is written), where it failed on calls_provider_call.
 *   Its leading column serves the lookups by vendor id alone (the list's `q`).
 * - Triggers on `calls` keep it, so every writer of calls (the ledger, history sync, inbound
 *   calls, tests' and benches' direct inserts) stays right without knowing. The merge may
 *   replace a vendor id with another (src/ledger/call-merge.ts fills non-stale reports), and a
 *   call without a vendor id may move to another connection (failover), so an update removes
 *   the old pair before adding the new one. A call without a connection has no pair (such a
 *   row could never collide in calls_provider_call either: its connection_id was NULL).
 * - No foreign key: calls are never deleted (a deleted call is a tombstone that keeps its
 *   vendor id, so a late webhook still finds it), and a foreign key would add a lookup of
 *   calls to every answer.
 * - fillfactor 85: a HOT update puts the new row version on the same page as the old one, so
 *   inserts leave 15 % of each page (1.2 kB) for answers: a new call's row is some 450 bytes,
 *   and an answered call's old version is pruned from the page once no snapshot needs it, so
 *   the room is used again. It applies to pages filled from now on.
 *
 * The lock first: no instance writes calls between the backfill and the triggers.
 */
export class CallVendorIds1764350000000 implements MigrationInterface {
  name = 'CallVendorIds1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE calls IN SHARE ROW EXCLUSIVE MODE');
    await q.query(`
      CREATE TABLE call_vendor_ids (
        provider_call_id text NOT NULL,
        connection_id text NOT NULL,
        call_id text NOT NULL,
        CONSTRAINT call_vendor_ids_pkey PRIMARY KEY (provider_call_id, connection_id)
      )`);
    await q.query(`
      INSERT INTO call_vendor_ids (provider_call_id, connection_id, call_id)
      SELECT provider_call_id, connection_id, id FROM calls
      WHERE provider_call_id IS NOT NULL AND connection_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION call_vendor_ids_keep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.provider_call_id IS NOT NULL AND OLD.connection_id IS NOT NULL THEN
          DELETE FROM call_vendor_ids
          WHERE provider_call_id = OLD.provider_call_id AND connection_id = OLD.connection_id AND call_id = OLD.id;
        END IF;
        IF NEW.provider_call_id IS NOT NULL AND NEW.connection_id IS NOT NULL THEN
          INSERT INTO call_vendor_ids (provider_call_id, connection_id, call_id)
          VALUES (NEW.provider_call_id, NEW.connection_id, NEW.id);
        END IF;
        RETURN NULL;
      END $$`);
    // The WHEN clauses keep the function out of every write that does not concern a vendor id
    // (the create's insert has none yet).
    await q.query(`
      CREATE TRIGGER calls_vendor_id_insert AFTER INSERT ON calls FOR EACH ROW
      WHEN (NEW.provider_call_id IS NOT NULL AND NEW.connection_id IS NOT NULL)
      EXECUTE FUNCTION call_vendor_ids_keep()`);
    await q.query(`
      CREATE TRIGGER calls_vendor_id_update AFTER UPDATE OF provider_call_id, connection_id ON calls FOR EACH ROW
      WHEN ((OLD.provider_call_id IS NOT NULL OR NEW.provider_call_id IS NOT NULL)
        AND (OLD.provider_call_id, OLD.connection_id) IS DISTINCT FROM (NEW.provider_call_id, NEW.connection_id))
      EXECUTE FUNCTION call_vendor_ids_keep()`);
    await q.query('DROP INDEX calls_provider_call');
    await q.query('ALTER TABLE calls SET (fillfactor = 85)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE calls RESET (fillfactor)');
    await q.query(
      `CREATE UNIQUE INDEX calls_provider_call ON calls (provider_call_id, connection_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query('DROP TRIGGER calls_vendor_id_update ON calls');
    await q.query('DROP TRIGGER calls_vendor_id_insert ON calls');
    await q.query('DROP FUNCTION call_vendor_ids_keep()');
    await q.query('DROP TABLE call_vendor_ids');
  }
}
