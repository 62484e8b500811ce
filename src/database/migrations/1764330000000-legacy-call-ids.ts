import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The highest call id written before ids were minted at the call's created_at (migration
 * 1764310000000 and src/calls/call-factory.ts). Calls learned from a vendor before then (a
 * history sync, an inbound webhook) got an id of the time they were learned and an older
 * created_at, so for them the id range that `created_before` adds (src/calls/calls-list.query.ts)
 * would end too early. The list keeps the upper id bound at least this high. On a database
 * without calls the row holds NULL and nothing is widened. Instances of an older version still
 * running after this migration (a rolling start) mint such ids a little longer; the window is
 * the length of the rollout.
 */
export class LegacyCallIds1764330000000 implements MigrationInterface {
  name = 'LegacyCallIds1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE calls_legacy_ids (ceiling text)`);
    await q.query(`INSERT INTO calls_legacy_ids (ceiling) SELECT max(id) FROM calls`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calls_legacy_ids`);
  }
}
