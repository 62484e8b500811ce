import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery of unified events to consumers:
 * - webhook_endpoints: the consumer URL, the event types it asked for (as given, and expanded
 *   to concrete types so the outbox matches with one `= ANY`), its signing secret and, during
 *   a rotation, the previous one until it expires (both encrypted like provider
 *   credentials), and why it was disabled;
 * - deliveries: one row per (event, target), written in the event's own transaction (the
 *   outbox), claimed by workers with FOR UPDATE SKIP LOCKED under a lease (`locked_until`),
 *   with every attempt kept in `attempts`. A target is an endpoint, or a call's own
 *   `webhook_url` (copied, so a delivery goes where the call said when the event happened);
 * - switchboard_typeid(prefix): a TypeID (UUIDv7 in base32) made by the database, so the
 *   outbox is one INSERT … SELECT however many endpoints match.
 */
export class WebhookDelivery1764100300000 implements MigrationInterface {
  name = 'WebhookDelivery1764100300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION switchboard_typeid(prefix text) RETURNS text LANGUAGE sql VOLATILE AS $$
        WITH u AS (
          SELECT ('x' || lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
                  || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::bit(128) AS b)
        SELECT prefix || '_' || string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', substring(B'00' || u.b FROM i * 5 + 1 FOR 5)::integer + 1, 1), '' ORDER BY i)
        FROM u, generate_series(0, 25) AS i
      $$`);
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id text PRIMARY KEY,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL DEFAULT '{}',
        subscribed_types text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        failing_since timestamptz,
        secret_encrypted text NOT NULL,
        previous_secret_encrypted text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE deliveries (
        id text PRIMARY KEY DEFAULT switchboard_typeid('dlv'),
        event_id text NOT NULL REFERENCES events(id),
        event_sequence bigint NOT NULL,
        endpoint_id text REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        url text,
        status text NOT NULL DEFAULT 'pending',
        attempt_count integer NOT NULL DEFAULT 0,
        attempts jsonb NOT NULL DEFAULT '[]',
        next_attempt_at timestamptz,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CHECK (endpoint_id IS NOT NULL OR url IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id)`);
    await q.query(`CREATE INDEX deliveries_event ON deliveries (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deliveries');
    await q.query('DROP TABLE webhook_endpoints');
    await q.query('DROP FUNCTION switchboard_typeid(text)');
  }
}
