import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { SimulatedAccount } from '@switchboard/simulators';
import { startSimulators, stopSimulators } from '@switchboard/simulators';
import { pollUntil } from '@switchboard/simulators/testing';
import type { Sandbox } from '../support/calls';
import { configureSimulators, dialedBy, sandboxOf } from '../support/calls';
import { freePort, GatewayProcess } from '../support/gateway-process';
import type { ApiResponse } from '../support/http';
import { client } from '../support/http';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * A create the gateway refused for budget: whatever status the router maps it to (today 502
 * provider_error; 503 providers_unavailable once every connection is out), it says when to
 * come back.
 */
function assertRefusedForBudget(res: ApiResponse, maxSeconds: number): number {
  // Every connection the call could use is out of budget: the dispatcher answers 503 with the wait.
  assert.equal(res.status, 503, res.text);
  assert.equal(res.body.error.code, 'providers_unavailable');
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds,
    `Retry-After ${res.headers.get('retry-after')}`,
  );
  return retryAfter;
}

let counter = 0;
const nextNumber = () => `+1415555${String(1000 + (counter++ % 9000)).padStart(4, '0')}`;

describe('vendor rate budgets', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sandbox: Sandbox;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
    // The simulators' own limits off: what is measured here is the gateway's.
    await configureSimulators(sandbox);
  });
  after(() => gw.close());

  const create = (connectionId: string) =>
    api.post('/v1/calls', { to: nextNumber(), agent_id: sandbox.agentId, provider: connectionId });

  it('refuses rate_limits the gateway does not know, naming the field', async () => {
    const id = sandbox.vendors.kalem.connectionId;
    for (const [rateLimits, field] of [
      [{ calls_per_week: 3 }, 'rate_limits.calls_per_week'],
      [{ calls_per_minute: -1 }, 'rate_limits.calls_per_minute'],
      [{ requests_per_hour: 2.5 }, 'rate_limits.requests_per_hour'],
      [{ reads_per_day: '10' }, 'rate_limits.reads_per_day'],
    ] as const) {
      const res = await api.patch(`/v1/providers/${id}`, { rate_limits: rateLimits });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(
        res.body.error.details.map((d: { field: string }) => d.field),
        [field],
      );
    }
  });

  it('a connection with calls_per_minute 3 places 3 calls, then refuses the 4th locally with Retry-After', async () => {
    const v = sandbox.vendors.kaicalls;
    const patched = await api.patch(`/v1/providers/${v.connectionId}`, { rate_limits: { calls_per_minute: 3 } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.rate_limits, { calls_per_minute: 3 });
    assert.deepEqual(patched.body.health.rate_budget, { remaining: 3, reset_at: null });

    for (let i = 0; i < 3; i++) {
      const res = await create(v.connectionId);
      assert.equal(res.status, 201, res.text);
    }
    const refused = await create(v.connectionId);
    assertRefusedForBudget(refused, 60);
    assert.match(refused.text, /budget of 3 calls per 60 s is spent/);
    assert.equal((await dialedBy(v, () => true)).length, 3, 'the vendor received exactly the budget');

    const health = (await api.get(`/v1/providers/${v.connectionId}`)).body.health.rate_budget;
    assert.equal(health.remaining, 0);
    const resetIn = Date.parse(health.reset_at) - Date.now();
    assert.ok(resetIn > 0 && resetIn <= 60_000, `reset_at ${health.reset_at}`);
    // Another connection of the same agent keeps its own budget.
    assert.equal((await create(sandbox.vendors.kalem.connectionId)).status, 201);
  });

  it('a vendor 429 with a reset time: the connection is skipped until then (the vendor hears nothing), then used again', async () => {
    // No other test here touches this vendor: no background read (the reconciler's) can take the one fault.
    const v = sandbox.vendors.hmsovereign;
    const dialedBefore = (await dialedBy(v, () => true)).length;
    assert.equal(dialedBefore, 0);
    // One 429 (Retry-After: 3, X-RateLimit-Reset three seconds ahead: room for a loaded machine); any later request would be dialed.
    assert.equal(
      (await v.sim.post('/__sim/faults', { mode: 'rate_limit', count: 1, retry_after_seconds: 3 })).status,
      200,
    );
    const sentAt = Date.now();
    const limited = await create(v.connectionId);
    assert.ok(limited.status >= 400, limited.text);
    assert.ok(
      Number(limited.headers.get('retry-after')) >= 1,
      `the vendor's wait is passed on: ${limited.headers.get('retry-after')}`,
    );

    const refused = await create(v.connectionId);
    assertRefusedForBudget(refused, 4);
    assert.match(refused.text, /rate-limited it \(429\)/);
    assert.equal((await dialedBy(v, () => true)).length, dialedBefore, 'nothing reached the vendor while blocked');
    const health = (await api.get(`/v1/providers/${v.connectionId}`)).body.health.rate_budget;
    assert.equal(health.remaining, 0);
    assert.ok(Date.parse(health.reset_at) <= Date.now() + 4_000, `blocked until ${health.reset_at}`);

    const placed = await pollUntil(
      () => create(v.connectionId),
      (res) => res.status === 201,
      { timeoutMs: 10_000, intervalMs: 100, what: 'the block to end' },
    );
    assert.ok(
      Date.now() - sentAt >= 2_000,
      `used again after ${Date.now() - sentAt} ms, not before the vendor's reset`,
    );
    assert.equal(placed.body.connection_id, v.connectionId);
    assert.equal(
      (await dialedBy(v, () => true)).length,
      dialedBefore + 1,
      'only the call placed after the block reached the vendor',
    );
  });
});

describe('vendor rate budgets switched off (VENDOR_RATE_BUDGETS=off)', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sandbox: Sandbox;

  before(async () => {
    gw = await startTestGateway({ VENDOR_RATE_BUDGETS: 'off' });
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
    await configureSimulators(sandbox);
  });
  after(() => gw.close());

  it("sends past a connection's rate_limits, leaving the vendor to refuse", async () => {
    const v = sandbox.vendors.kaicalls;
    assert.equal(
      (await api.patch(`/v1/providers/${v.connectionId}`, { rate_limits: { calls_per_minute: 1 } })).status,
      200,
    );
    for (let i = 0; i < 2; i++) {
      const res = await api.post('/v1/calls', {
        to: nextNumber(),
        agent_id: sandbox.agentId,
        provider: v.connectionId,
      });
      assert.equal(res.status, 201, res.text);
    }
    assert.equal((await dialedBy(v, () => true)).length, 2);
  });
});

/**
 * Two gateway processes on one PostgreSQL (embedded databases are single-process, so this
 * always uses a real server) and one simulated vendor: the budget is the sum of both.
 */
for (const store of ['Redis', 'Postgres'] as const) {
  describe(`two gateway processes sharing one vendor budget (${store})`, () => {
    const adminKey = `sk_test_${randomBytes(20).toString('hex')}`;
    const processes: GatewayProcess[] = [];
    let db: TestDatabase;
    let accounts: SimulatedAccount[];

    before(async () => {
      accounts = await startSimulators({ vendors: ['hmsovereign'] });
      db = await createTestDatabase(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      const env = {
        ...db.env,
        SWITCHBOARD_SANDBOX: 'off',
        PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
        SWITCHBOARD_ADMIN_KEY: adminKey,
        SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
        // Budget keys are connection ids, new in every run, so earlier runs' entries never count.
        ...(store === 'Redis' ? { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' } : {}),
      };
      for (let i = 0; i < 2; i++)
        processes.push(new GatewayProcess({ ...env, PORT: String(await freePort()) }).start());
      await Promise.all(processes.map((p) => p.ready()));
    });
    after(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await db?.dispose();
      if (accounts) await stopSimulators(accounts);
    });

    /** A connection made on one process and an agent on the other, both on the shared simulator. */
    async function sharedConnection(rateLimits: Record<string, number>) {
      const [hms] = accounts;
      const simApi = client(hms.simulator.url);
      // A fresh count of dials, then the simulator's own limits off (a reset turns them back on).
      assert.equal((await simApi.post('/__sim/reset', {})).status, 200);
      assert.equal((await simApi.post('/__sim/config', { rate_limits: false })).status, 200);
      const [a, b] = processes.map((p) => client(p.url, adminKey));
      const connection = await a.post('/v1/providers', {
        provider: 'hmsovereign',
        name: 'shared budget',
        credentials: { api_key: hms.apiKey },
        base_url: hms.baseUrl,
        defaults: hms.defaults,
        rate_limits: rateLimits,
      });
      assert.equal(connection.status, 201, connection.text);
      const agent = await b.post('/v1/agents', {
        name: 'budgeted',
        bindings: [{ connection_id: connection.body.id, provider_agent_id: hms.sampleAgentId }],
      });
      assert.equal(agent.status, 201, agent.text);
      const creates = (n: number) =>
        Promise.all(
          Array.from({ length: n }, (_, i) =>
            (i % 2 ? a : b).post('/v1/calls', {
              to: nextNumber(),
              agent_id: agent.body.id,
              provider: connection.body.id,
            }),
          ),
        );
      return { simApi, connectionId: connection.body.id as string, creates };
    }

    it('40 creates split across both never get more than calls_per_minute 10 to the vendor', async () => {
      const { simApi, creates } = await sharedConnection({ calls_per_minute: 10 });
      const results = await creates(40);
      const placed = results.filter((r) => r.status === 201);
      assert.equal(placed.length, 10, results.map((r) => r.status).join(','));
      for (const r of results.filter((r) => r.status !== 201)) assertRefusedForBudget(r, 60);
      const dialed = (await simApi.get('/__sim/calls')).body.calls;
      // Each instance alone would have let 10 of its own 20 through.
      assert.equal(dialed.length, 10, 'the vendor received exactly the shared budget');
    });

    it('leasing (calls_per_minute 240, up to 4 units a take): 320 creates across both, at most 240 dialed, in far fewer takes', async () => {
      const { simApi, connectionId, creates } = await sharedConnection({
        calls_per_minute: 240,
        requests_per_minute: 0,
      });
      const results = await creates(320);
      const placed = results.filter((r) => r.status === 201);
      for (const r of results.filter((r) => r.status !== 201)) assertRefusedForBudget(r, 60);
      const dialed = (await simApi.get('/__sim/calls')).body.calls;
      assert.equal(dialed.length, placed.length, 'every 201 dialed once, nothing else');
      // What each process's lease held when the budget ran out is lost to the window: 4 units at most each.
      assert.ok(placed.length <= 240 && placed.length >= 240 - 2 * 4, `${placed.length} placed`);
      // Each take stamps its units with one time: distinct times are the takes that granted.
      const takes = await distinctTakeTimes(connectionId);
      assert.ok(takes > 0 && takes < placed.length / 2, `${takes} takes for ${placed.length} calls`);
    });

    async function distinctTakeTimes(connectionId: string): Promise<number> {
      if (store === 'Redis') {
        const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
        try {
          const entries = await redis.zrange(`switchboard:budget:{${connectionId}}:calls`, 0, -1, 'WITHSCORES');
          return new Set(entries.filter((_, i) => i % 2 === 1)).size;
        } finally {
          await redis.quit();
        }
      }
      const pg = new Client({ connectionString: db.env.DATABASE_URL });
      await pg.connect();
      try {
        const { rows } = await pg.query<{ n: number }>(
          `SELECT count(DISTINCT taken_at)::int AS n FROM rate_budget_slots WHERE budget_key = $1 AND scope = 'calls'`,
          [connectionId],
        );
        return rows[0].n;
      } finally {
        await pg.end();
      }
    }
  });
}
