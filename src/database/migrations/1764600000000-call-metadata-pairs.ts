import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /v1/calls?metadata[key]=value as a walk of the newest matching calls (issue #15: list p99).
 * The GIN index on metadata answered `metadata @> {key: value}` with every call holding the
 * pair, which Postgres then fetched and sorted for the page: a tenant of 1 000 calls in a
 * million cost 3.9 ms, and a tenant of 100 000 would cost a hundred times that. A GIN index
 * keeps no order, so no LIMIT can stop it early.
 *
 * - `call_metadata_pairs` holds (pair, call_id) for each string value of a call's metadata,
 *   `pair` being call_metadata_pair(key, value): a digest, so every entry is 16 bytes whatever
 *   the key and value (stored metadata is checked on the API, a vendor's is not), with the
 *   key's length in front so that no two (key, value) give the same text. Its key read
 *   backwards for one pair gives that pair's calls newest first (call ids order by
 *   created_at), so a page is its first 21 entries, each joined to `calls` by primary key.
 * - The list keeps `metadata @>` as the exact condition (src/calls/calls-list.query.ts): the
 *   pairs only choose the candidates, so a digest shared by two pairs could cost a row read,
 *   never a wrong answer.
 * - Triggers on `calls` keep it, so every writer of calls stays right without knowing (as
 *   call_vendor_ids, migration 1764350000000). A create without metadata and every update
 *   that leaves metadata alone (the vendor's answer, webhooks) do not run them.
 * - The GIN index goes: the list was its only reader, and it was written on every insert of
 *   a call, an empty entry for calls without metadata included.
 *
 * The lock first: no instance writes calls between the backfill and the triggers.
 */
export class CallMetadataPairs1764600000000 implements MigrationInterface {
  name = 'CallMetadataPairs1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE calls IN SHARE ROW EXCLUSIVE MODE');
    await q.query(`
      CREATE FUNCTION call_metadata_pair(key text, value text) RETURNS uuid
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT md5(length(key)::text || ':' || key || value)::uuid
      $$`);
    await q.query('CREATE TABLE call_metadata_pairs (pair uuid NOT NULL, call_id text NOT NULL)');
    await q.query(`
      CREATE FUNCTION call_metadata_pairs_of(metadata jsonb) RETURNS SETOF uuid
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT DISTINCT call_metadata_pair(e.key, e.value #>> '{}')
        FROM jsonb_each(CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata ELSE '{}' END) e
        WHERE jsonb_typeof(e.value) = 'string'
      $$`);
    await q.query(`
      INSERT INTO call_metadata_pairs (pair, call_id)
      SELECT p, c.id FROM calls c, call_metadata_pairs_of(c.metadata) p
      WHERE c.metadata <> '{}'`);
    // The key after the backfill, built by one sort: over a million calls of two keys here, 8 s
    // of backfill and 3 s for the key, against 15 s with the key in place during the backfill.
    // The writers of calls wait on the lock throughout.
    await q.query(
      'ALTER TABLE call_metadata_pairs ADD CONSTRAINT call_metadata_pairs_pkey PRIMARY KEY (pair, call_id)',
    );
    // An update writes only the pairs that changed: a call's metadata rarely changes whole. The
    // insert, a create's, spells the pairs out rather than calling call_metadata_pairs_of: in
    // pgbench of the create path with two keys of metadata, 0.80 against 0.88 ms of Postgres
    // CPU per create (bench/pg-create-path.mjs, variant `tagged`).
    await q.query(`
      CREATE FUNCTION call_metadata_pairs_keep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          DELETE FROM call_metadata_pairs
          WHERE call_id = OLD.id AND pair IN (
            SELECT call_metadata_pairs_of(OLD.metadata) EXCEPT SELECT call_metadata_pairs_of(NEW.metadata));
          INSERT INTO call_metadata_pairs (pair, call_id)
          SELECT p, NEW.id FROM (
            SELECT call_metadata_pairs_of(NEW.metadata) EXCEPT SELECT call_metadata_pairs_of(OLD.metadata)) n(p);
        ELSE
          INSERT INTO call_metadata_pairs (pair, call_id)
          SELECT DISTINCT call_metadata_pair(e.key, e.value #>> '{}'), NEW.id
          FROM jsonb_each(NEW.metadata) e WHERE jsonb_typeof(e.value) = 'string';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER calls_metadata_insert AFTER INSERT ON calls FOR EACH ROW
      WHEN (NEW.metadata <> '{}' AND jsonb_typeof(NEW.metadata) = 'object')
      EXECUTE FUNCTION call_metadata_pairs_keep()`);
    await q.query(`
      CREATE TRIGGER calls_metadata_update AFTER UPDATE OF metadata ON calls FOR EACH ROW
      WHEN (OLD.metadata IS DISTINCT FROM NEW.metadata)
      EXECUTE FUNCTION call_metadata_pairs_keep()`);
    await q.query('DROP INDEX calls_metadata');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX calls_metadata ON calls USING gin (metadata jsonb_path_ops)');
    await q.query('DROP TRIGGER calls_metadata_update ON calls');
    await q.query('DROP TRIGGER calls_metadata_insert ON calls');
    await q.query('DROP FUNCTION call_metadata_pairs_keep()');
    await q.query('DROP TABLE call_metadata_pairs');
    await q.query('DROP FUNCTION call_metadata_pairs_of(jsonb)');
    await q.query('DROP FUNCTION call_metadata_pair(text, text)');
  }
}
