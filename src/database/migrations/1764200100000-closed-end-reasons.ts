import type { MigrationInterface, QueryRunner } from 'typeorm';

// The closed lists as they were when this migration was written (libs/core end-reason.ts);
// a migration must not change meaning when the code's lists grow later.
const END_REASONS = [
  'completed',
  'customer_hangup',
  'agent_hangup',
  'no_answer',
  'busy',
  'rejected',
  'invalid_number',
  'max_duration',
  'voicemail',
  'canceled',
  'provider_error',
  'provider_rejected',
  'providers_unavailable',
  'not_placed',
  'lost',
  'unknown',
];
const ERROR_CODES = ['provider_error', 'invalid_number', 'providers_unavailable', 'not_placed', 'lost', 'unknown'];

/**
 * `calls.end_reason` becomes the gateway's closed vocabulary and the vendor's raw value moves
 * to `provider_end_reason`. Rows written before hold raw vendor values in `end_reason`: those
 * are kept as `provider_end_reason` and read as `unknown` (re-mapping them would need each
 * vendor's mapper, and a reconcile read of a live call maps it anyway). Error codes outside
 * the closed list become `provider_error`; the message keeps the vendor's words. An ended
 * call with no reason gets the one its status implies.
 */
export class ClosedEndReasons1764200100000 implements MigrationInterface {
  name = 'ClosedEndReasons1764200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calls ADD COLUMN provider_end_reason text`);
    await q.query(
      `UPDATE calls SET provider_end_reason = end_reason, end_reason = 'unknown'
        WHERE end_reason IS NOT NULL AND NOT (end_reason = ANY($1::text[]))`,
      [END_REASONS],
    );
    await q.query(
      `UPDATE calls SET error = jsonb_set(error, '{code}', '"provider_error"')
        WHERE error IS NOT NULL AND NOT (coalesce(error->>'code', '') = ANY($1::text[]))`,
      [ERROR_CODES],
    );
    // An ended call always has a reason now; an old row that had none gets what its status says.
    await q.query(`
      UPDATE calls SET end_reason = CASE status
          WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'provider_error' WHEN 'no_answer' THEN 'no_answer'
          WHEN 'busy' THEN 'busy' WHEN 'canceled' THEN 'canceled' END
        WHERE end_reason IS NULL AND status IN ('completed', 'failed', 'no_answer', 'busy', 'canceled')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE calls SET end_reason = provider_end_reason WHERE provider_end_reason IS NOT NULL`);
    await q.query(`ALTER TABLE calls DROP COLUMN provider_end_reason`);
  }
}
