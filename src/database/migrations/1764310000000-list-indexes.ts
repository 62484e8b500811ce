import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indexes GET /v1/calls needs over a million calls (bench/README.md, "List over a million
 * calls"), and no more: every index on `calls` is written on each create and on each update
 * that cannot be HOT.
 *
 * - created_after/created_before need no index of their own: ids are minted at created_at
 *   (src/calls/call-factory.ts), so they become a range of the id the list is ordered by
 *   (src/calls/calls-list.query.ts), which the primary key or a (filter, id) index serves
 *   (calls_created_at goes in 1764320000000-drop-calls-created-at.ts).
 * - The unique (connection_id, provider_call_id) becomes (provider_call_id, connection_id): the
 *   same rule, and its leading column now also serves `q` = a vendor call id, whose connection
 *   the client does not give.
 * - `q` = part of a number is a `LIKE '%digits%'` over both numbers, one trigram index on the
 *   two joined by a space. pg_trgm ships with PostgreSQL's contrib and is a trusted extension
 *   (the embedded engine loads it: src/database/embedded-postgres.ts), but a role without
 *   CREATE on the database or a server built without contrib cannot create it; then the index
 *   is left out, the migration still succeeds and that search stays a scan (same results).
 */
export class ListIndexes1764310000000 implements MigrationInterface {
  name = 'ListIndexes1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX calls_provider_call ON calls (provider_call_id, connection_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query('DROP INDEX calls_connection_provider_call');
    await q.query(`
      DO $$
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): GET /v1/calls?q=<part of a number> will scan', SQLERRM;
      END $$`);
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          CREATE INDEX calls_numbers_trgm ON calls USING gin (("to" || ' ' || coalesce("from", '')) gin_trgm_ops);
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS calls_numbers_trgm');
    await q.query(
      `CREATE UNIQUE INDEX calls_connection_provider_call ON calls (connection_id, provider_call_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query('DROP INDEX calls_provider_call');
  }
}
