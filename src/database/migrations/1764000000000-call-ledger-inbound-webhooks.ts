import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the call ledger and inbound webhooks need:
 * - per-connection webhook secret (encrypted like credentials) and, for vendors that
 *   register webhooks once per account, what was registered; the last history sync;
 * - on calls: the latest vendor time applied (to tell stale reports), whether the end time
 *   is the gateway's estimate (a vendor's own end time replaces it), when the reconciler
 *   should look next, how often it has looked, and a tombstone for deleted calls (events
 *   are never deleted, and a late webhook must find the call it belongs to);
 * - inbound_webhooks: every verified vendor webhook, raw, deduplicated by content (no
 *   vendor sends event ids), with the observation parsed from it, applied or pending.
 */
export class CallLedgerInboundWebhooks1764000000000 implements MigrationInterface {
  name = 'CallLedgerInboundWebhooks1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE provider_connections ADD COLUMN webhook_secret_encrypted text, ADD COLUMN webhook_registration jsonb, ADD COLUMN sync_state jsonb`,
    );
    await q.query(`
      ALTER TABLE calls
        ADD COLUMN provider_observed_at timestamptz,
        ADD COLUMN ended_at_estimated boolean NOT NULL DEFAULT false,
        ADD COLUMN reconcile_at timestamptz,
        ADD COLUMN reconcile_checks integer NOT NULL DEFAULT 0,
        ADD COLUMN deleted_at timestamptz`);
    await q.query(`CREATE INDEX calls_reconcile ON calls (reconcile_at) WHERE reconcile_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE inbound_webhooks (
        id text PRIMARY KEY,
        connection_id text NOT NULL REFERENCES provider_connections(id) ON DELETE CASCADE,
        provider text NOT NULL,
        dedup_key text NOT NULL,
        event_type text NOT NULL,
        provider_call_id text,
        occurred_at timestamptz,
        received_at timestamptz NOT NULL,
        headers jsonb NOT NULL,
        body bytea NOT NULL,
        observation jsonb,
        state text NOT NULL,
        call_id text,
        applied_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX inbound_webhooks_dedup ON inbound_webhooks (connection_id, dedup_key)`);
    await q.query(
      `CREATE INDEX inbound_webhooks_pending ON inbound_webhooks (provider_call_id, received_at) WHERE state = 'pending'`,
    );
    await q.query(`CREATE INDEX inbound_webhooks_call ON inbound_webhooks (call_id) WHERE call_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbound_webhooks');
    await q.query('DROP INDEX calls_reconcile');
    await q.query(
      'ALTER TABLE calls DROP COLUMN provider_observed_at, DROP COLUMN ended_at_estimated, DROP COLUMN reconcile_at, DROP COLUMN reconcile_checks, DROP COLUMN deleted_at',
    );
    await q.query(
      'ALTER TABLE provider_connections DROP COLUMN webhook_secret_encrypted, DROP COLUMN webhook_registration, DROP COLUMN sync_state',
    );
  }
}
