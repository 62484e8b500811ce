import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider connections, logical agents with per-connection bindings, the call cache and the
 * unified event log (its global sequence orders every change; later the outbox for delivery).
 */
export class CreateProvidersAgentsCalls1763900100000 implements MigrationInterface {
  name = 'CreateProvidersAgentsCalls1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_connections (
        id text PRIMARY KEY,
        provider text NOT NULL,
        name text NOT NULL,
        credentials_encrypted text NOT NULL,
        credentials_version integer NOT NULL DEFAULT 1,
        base_url text,
        defaults jsonb NOT NULL DEFAULT '{}',
        priority integer NOT NULL DEFAULT 100,
        weight integer NOT NULL DEFAULT 1,
        cost_per_minute numeric(10,4),
        rate_limits jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        origin text NOT NULL DEFAULT 'api',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX provider_connections_sandbox_provider ON provider_connections (provider) WHERE origin = 'sandbox'`,
    );

    await q.query(`
      CREATE TABLE agents (
        id text PRIMARY KEY,
        name text NOT NULL,
        system_prompt text,
        first_message text,
        voice text,
        model text,
        metadata jsonb NOT NULL DEFAULT '{}',
        origin text NOT NULL DEFAULT 'api',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE agent_bindings (
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        connection_id text NOT NULL REFERENCES provider_connections(id) ON DELETE CASCADE,
        provider text NOT NULL,
        provider_agent_id text NOT NULL,
        origin text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agent_id, connection_id)
      )`);

    await q.query(`
      CREATE TABLE calls (
        id text PRIMARY KEY,
        direction text NOT NULL DEFAULT 'outbound',
        status text NOT NULL,
        provider_status text,
        provider text,
        connection_id text,
        provider_call_id text,
        agent_id text,
        "to" text NOT NULL,
        "from" text,
        customer jsonb,
        context text,
        first_message text,
        variables jsonb,
        metadata jsonb NOT NULL DEFAULT '{}',
        record boolean NOT NULL DEFAULT true,
        max_duration_seconds integer,
        webhook_url text,
        duration_seconds integer,
        cost_amount numeric(12,4),
        cost_currency text,
        started_at timestamptz,
        answered_at timestamptz,
        ended_at timestamptz,
        end_reason text,
        error jsonb,
        recording_url text,
        summary text,
        transcript jsonb,
        analysis jsonb,
        attempts jsonb NOT NULL DEFAULT '[]',
        warnings jsonb NOT NULL DEFAULT '[]',
        synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX calls_connection_provider_call ON calls (connection_id, provider_call_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX calls_status ON calls (status, id)`);
    await q.query(`CREATE INDEX calls_agent ON calls (agent_id, id)`);
    await q.query(`CREATE INDEX calls_connection ON calls (connection_id, id)`);
    await q.query(`CREATE INDEX calls_to ON calls ("to", id)`);
    await q.query(`CREATE INDEX calls_created_at ON calls (created_at)`);
    await q.query(`CREATE INDEX calls_metadata ON calls USING gin (metadata jsonb_path_ops)`);

    await q.query(`
      CREATE TABLE events (
        sequence bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        type text NOT NULL,
        call_id text,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX events_call ON events (call_id, sequence)`);
    await q.query(`CREATE INDEX events_type ON events (type, sequence)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE events');
    await q.query('DROP TABLE calls');
    await q.query('DROP TABLE agent_bindings');
    await q.query('DROP TABLE agents');
    await q.query('DROP TABLE provider_connections');
  }
}
