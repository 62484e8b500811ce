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
 * - `q` = part of a number: `LIKE '%digits%'` on `to` and `from`, which no btree serves. A GIN
 *   index of every 4-character run of both numbers (call_number_grams) finds the rows holding
 *   all of the query's runs, and LIKE rechecks them. Not pg_trgm: over digits a trigram has a
 *   thousand values, so each is in a large share of the rows (`555` in all of them where the
 *   numbers share an area code) and the index read 800 pages for one search (16–36 ms over a
 *   million calls); a 4-run has ten thousand values, needs no extension, and writes fewer
 *   entries per row (about 18 against 26). The function leaves repeated runs in: GIN keeps
 *   each key of a row once anyway, and DISTINCT (a sort per row) made it half again as slow.
 */
export class ListIndexes1764310000000 implements MigrationInterface {
  name = 'ListIndexes1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX calls_provider_call ON calls (provider_call_id, connection_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query('DROP INDEX calls_connection_provider_call');
    await q.query(`
      CREATE FUNCTION call_number_grams("to" text, "from" text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ARRAY(SELECT substr(n, i, 4) FROM unnest(ARRAY["to", "from"]) AS n, generate_series(1, length(n) - 3) AS i)
      $$`);
    await q.query(`CREATE INDEX calls_number_grams ON calls USING gin (call_number_grams("to", "from"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX calls_number_grams');
    await q.query('DROP FUNCTION call_number_grams(text, text)');
    await q.query(
      `CREATE UNIQUE INDEX calls_connection_provider_call ON calls (connection_id, provider_call_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query('DROP INDEX calls_provider_call');
  }
}
