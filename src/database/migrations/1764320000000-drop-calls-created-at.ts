import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `calls_created_at` is written on every create and every non-HOT update, and nothing needs it
 * any more: call ids are minted at created_at (src/calls/call-factory.ts), so the two readers of
 * a created_at range bound the id too — GET /v1/calls (src/calls/calls-list.query.ts) through
 * the primary key or a (filter, id) index, the routing outcome stats
 * (CallsRepository.outcomeStats) through calls_connection (connection_id, id).
 */
export class DropCallsCreatedAt1764320000000 implements MigrationInterface {
  name = 'DropCallsCreatedAt1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX calls_created_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX calls_created_at ON calls (created_at)');
  }
}
