import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * call_number_grams (1764310000000-list-indexes.ts) in PL/pgSQL, with the same runs out. The
 * calls_number_grams index evaluates it on every insert of a call and on every update that is
 * not HOT, and as a SQL function with a subquery it is never inlined there: the SQL-function
 * executor set it up again for each statement. PL/pgSQL keeps its compiled body for the
 * session. pgbench of the create path's two statements at 1 000 creates/s: about 0.08 ms less
 * Postgres CPU per create (three alternated rounds, bench/README.md). The index needs no
 * rebuild: the function is IMMUTABLE and returns the same runs for every input.
 */
export class NumberGramsPlpgsql1764345000000 implements MigrationInterface {
  name = 'NumberGramsPlpgsql1764345000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION call_number_grams("to" text, "from" text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        runs text[] := '{}';
        n text;
      BEGIN
        FOREACH n IN ARRAY ARRAY["to", "from"] LOOP
          CONTINUE WHEN n IS NULL;
          FOR i IN 1 .. length(n) - 3 LOOP
            runs := runs || substr(n, i, 4);
          END LOOP;
        END LOOP;
        RETURN runs;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION call_number_grams("to" text, "from" text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ARRAY(SELECT substr(n, i, 4) FROM unnest(ARRAY["to", "from"]) AS n, generate_series(1, length(n) - 3) AS i)
      $$`);
  }
}
