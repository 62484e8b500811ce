import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { SimulatedAccount } from '@switchboard/simulators';
import { startSimulators, stopSimulators } from '@switchboard/simulators';
import { pollUntil } from '@switchboard/simulators/testing';
import { LISTENER_APPLICATION_NAME } from '../../src/events/notifier/postgres-event-notifier';
import type { GatewayProcess } from '../support/gateway-process';
import { startInstances } from '../support/gateway-instances';
import type { Api } from '../support/calls';
import { client } from '../support/http';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';

/**
 * Call creates read the agent and its connections from a per-instance cache
 * (src/call-targets/call-targets.service.ts). A change made through one instance must steer
 * the other's next creates, through the change's NOTIFY, although the TTL here is far longer
 * than the test: only the notice can explain what the second instance does.
 */
describe('call-target cache across instances', () => {
  let db: TestDatabase;
  let pg: Client | null = null;
  const procs: GatewayProcess[] = [];
  let accounts: SimulatedAccount[] = [];
  let kalem: SimulatedAccount;
  let apiA: Api;
  let apiB: Api;
  let counter = 0;
  const number = () => `+1555030${String(1000 + counter++).slice(-4)}`;

  before(async () => {
    db = await createTestDatabase();
    if (db.kind !== 'postgres') return;
    pg = new Client({ connectionString: db.env.DATABASE_URL });
    await pg.connect();
    accounts = await startSimulators({ vendors: ['kalem'], host: '127.0.0.1' });
    kalem = accounts[0];
    const adminKey = await startInstances(
      db,
      {
        SWITCHBOARD_SANDBOX: 'off',
        PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
        VENDOR_RATE_BUDGETS: 'off',
        RECONCILE_AFTER_SECONDS: '36000',
        // Far past the test's length (and its polls' timeouts, which only bound a busy machine's
        // delays): a create steered by a change proves the notice arrived.
        AGENT_CACHE_TTL_MS: '600000',
      },
      procs,
    );
    apiA = client(procs[0].url, adminKey);
    apiB = client(procs[1].url, adminKey);
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await stopSimulators(accounts);
    await pg?.end();
    await db.dispose();
  });

  const skipOnEmbedded = (t: { diagnostic(message: string): void }) => {
    if (pg) return false;
    // The embedded engine's data dir admits one process; a second is refused by its lock file.
    t.diagnostic('embedded database: one process per data dir, so one instance');
    return true;
  };

  const connection = async (name: string, priority: number): Promise<string> => {
    const res = await apiA.post('/v1/providers', {
      provider: 'kalem',
      name,
      credentials: { api_key: kalem.apiKey },
      base_url: kalem.baseUrl,
      defaults: kalem.defaults,
      priority,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const agent = async (connections: string[]): Promise<string> => {
    const res = await apiA.post('/v1/agents', {
      name: 'cached agent',
      bindings: connections.map((id) => ({ connection_id: id, provider_agent_id: kalem.sampleAgentId })),
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  /** Where B places a call for `agentId` now: the connection id, or the refusal's status and messages. */
  const placedOnB = async (agentId: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await apiB.post('/v1/calls', { to: number(), agent_id: agentId, ...extra });
    if (res.status === 201) return res.body.connection_id;
    return `${res.status} ${(res.body?.error?.details ?? []).map((d: { message?: string }) => d.message).join('; ')}`;
  };
  /**
   * The first call on a connection gives it its webhook secret, a change like any other; the
   * second create reads the connection again and is the one B keeps.
   */
  const warm = async (agentId: string, expected: string) => {
    assert.equal(await placedOnB(agentId), expected);
    assert.equal(await placedOnB(agentId), expected);
  };
  const untilB = (what: string, agentId: string, expected: string, extra: Record<string, unknown> = {}) =>
    pollUntil(
      () => placedOnB(agentId, extra),
      (placed) => placed === expected,
      { timeoutMs: 15_000, intervalMs: 10, what },
    );

  it('a connection disabled through A: B, which had it cached, routes around it on its next creates', async (t) => {
    if (skipOnEmbedded(t)) return;
    const first = await connection('first', 1);
    const second = await connection('second', 2);
    const agentId = await agent([first, second]);
    await warm(agentId, first);

    // Changed in the table without a notice: B keeps routing by what it cached, which shows
    // that the cache is what B consults, and that only a notice makes it forget.
    await pg!.query('UPDATE provider_connections SET priority = 3 WHERE id = $1', [first]);
    assert.equal(await placedOnB(agentId), first, 'served from B’s cache');

    assert.equal((await apiA.patch(`/v1/providers/${first}`, { enabled: false })).status, 200);
    await untilB('B to route around the disabled connection', agentId, second);
    assert.equal(await placedOnB(agentId), second);

    assert.equal((await apiA.patch(`/v1/providers/${first}`, { enabled: true, priority: 1 })).status, 200);
    await untilB('B to route to the connection enabled again', agentId, first);
    assert.equal(await placedOnB(agentId), first);
  });

  it('an agent’s routing changed and then the agent deleted through A: B follows both', async (t) => {
    if (skipOnEmbedded(t)) return;
    const first = await connection('first', 1);
    const second = await connection('second', 2);
    const agentId = await agent([first, second]);
    await warm(agentId, first);

    const patched = await apiA.patch(`/v1/agents/${agentId}`, { routing: { connections: [second] } });
    assert.equal(patched.status, 200, patched.text);
    await untilB('B to follow the agent’s new routing', agentId, second);

    assert.equal((await apiA.delete(`/v1/agents/${agentId}`)).status, 204);
    await untilB('B to refuse the deleted agent', agentId, '422 no such agent');
  });

  it('a pinned connection deleted through A: B, which had found it, says it no longer exists', async (t) => {
    if (skipOnEmbedded(t)) return;
    const bound = await connection('bound', 1);
    const agentId = await agent([bound]);
    const unbound = await connection('unbound', 2);
    const before = await placedOnB(agentId, { provider: unbound });
    assert.match(before, /^422 /);
    assert.doesNotMatch(before, /no such provider connection/);

    assert.equal((await apiA.delete(`/v1/providers/${unbound}`)).status, 204);
    await untilB('B to find the pinned connection gone', agentId, '422 no such provider connection', {
      provider: unbound,
    });
    // A malformed agent_id spelling the cache key of a real agent and pinned connection is not
    // cached under it, so it cannot make that pair look absent.
    assert.equal(await placedOnB(`${agentId} ${bound}`), '422 no such agent');
    assert.equal(await placedOnB(agentId, { provider: bound }), bound, 'the agent itself is still served');
  });

  it('a connection moved to another vendor address through A: B dials the new address', async (t) => {
    if (skipOnEmbedded(t)) return;
    const [other] = await startSimulators({ vendors: ['kalem'], host: '127.0.0.1' });
    try {
      const only = await connection('moving', 1);
      const agentId = await agent([only]);
      await warm(agentId, only);
      const dialsAtOther = async () =>
        ((await fetch(`${other.simulator.url}/__sim/calls`).then((r) => r.json())) as { calls: unknown[] }).calls;
      assert.equal((await dialsAtOther()).length, 0);

      const moved = await apiA.patch(`/v1/providers/${only}`, {
        base_url: other.baseUrl,
        credentials: { api_key: other.apiKey },
      });
      assert.equal(moved.status, 200, moved.text);
      await pollUntil(
        async () => {
          assert.equal(await placedOnB(agentId), only);
          return (await dialsAtOther()).length;
        },
        (dials) => dials > 0,
        { timeoutMs: 15_000, intervalMs: 10, what: 'B to dial the connection’s new address' },
      );
    } finally {
      await stopSimulators([other]);
    }
  });

  it('webhook ingest reads connections from the same cache: a connection deleted through A is gone for B at once', async (t) => {
    if (skipOnEmbedded(t)) return;
    /** B's answer to an unsigned Kalem webhook for `connectionId`: 401 while it knows the connection, 404 once it does not. */
    const webhookOnB = async (connectionId: string) =>
      (
        await fetch(`${procs[1].url}/webhooks/kalem/${connectionId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ event: 'call_status', call_id: 'kalem-call-1', status: 'ringing' }),
        })
      ).status;
    const behind = await connection('deleted behind the gateway', 1);
    assert.equal(await webhookOnB(behind), 401);
    // Deleted in the table without a notice: B still knows it, which shows the cache is what
    // its ingest consults (the TTL bounds such a change).
    await pg!.query('DELETE FROM provider_connections WHERE id = $1', [behind]);
    assert.equal(await webhookOnB(behind), 401, 'served from B’s cache');

    const deleted = await connection('deleted through A', 1);
    assert.equal(await webhookOnB(deleted), 401);
    assert.equal((await apiA.delete(`/v1/providers/${deleted}`)).status, 204);
    await pollUntil(
      () => webhookOnB(deleted),
      (status) => status === 404,
      { timeoutMs: 15_000, intervalMs: 10, what: 'B to find the deleted connection gone' },
    );
  });

  it('a lost listening session: B forgets what it cached, so a change whose notice nobody heard is seen', async (t) => {
    if (skipOnEmbedded(t)) return;
    const first = await connection('first', 1);
    const second = await connection('second', 2);
    const agentId = await agent([first, second]);
    await warm(agentId, first);
    // Sessions whose LISTEN has completed: only then does an instance serve from its cache again.
    const listeners = async (): Promise<number[]> =>
      (
        await pg!.query(
          `SELECT pid FROM pg_stat_activity
            WHERE application_name = $1 AND datname = current_database() AND state = 'idle' AND query LIKE 'LISTEN %'`,
          [LISTENER_APPLICATION_NAME],
        )
      ).rows.map((r) => r.pid);
    const before = await listeners();
    assert.equal(before.length, 2, 'one listening session per instance');

    // Both sessions, since nothing tells B's from A's; the change is made behind the gateway's back.
    await pg!.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    await pg!.query('UPDATE provider_connections SET enabled = false WHERE id = $1', [first]);
    await untilB('B to stop serving its cached connection', agentId, second);

    await pollUntil(listeners, (pids) => pids.length === 2 && !pids.some((pid) => before.includes(pid)), {
      timeoutMs: 15_000,
      what: 'new listening sessions',
    });
    // Listening again, B caches again: a second change behind its back is not seen.
    await warm(agentId, second);
    await pg!.query('UPDATE provider_connections SET enabled = true, priority = 1 WHERE id = $1', [first]);
    assert.equal(await placedOnB(agentId), second, 'served from B’s cache once more');
  });
});
