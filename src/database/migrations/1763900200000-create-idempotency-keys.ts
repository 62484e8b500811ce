import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored first responses of POSTs that carried an Idempotency-Key, per gateway key, for 24 h. */
export class CreateIdempotencyKeys1763900200000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        api_key_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (api_key_id, key)
      )`);
    await q.query('CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
