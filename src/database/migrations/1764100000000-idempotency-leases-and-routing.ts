import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys get a lease (a request that died stops renewing it, and a retry may then
 * resume instead of waiting out 24 h) and the ids of the calls the request stored, written
 * in the transaction that inserts each call, so a resumed create finds them instead of
 * dialing again. Agents get routing defaults.
 */
export class IdempotencyLeasesAndRouting1764100000000 implements MigrationInterface {
  name = 'IdempotencyLeasesAndRouting1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE idempotency_keys ADD COLUMN lease_until timestamptz, ADD COLUMN call_ids jsonb NOT NULL DEFAULT '{}'`,
    );
    await q.query(`ALTER TABLE agents ADD COLUMN routing jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE agents DROP COLUMN routing');
    await q.query('ALTER TABLE idempotency_keys DROP COLUMN call_ids, DROP COLUMN lease_until');
  }
}
