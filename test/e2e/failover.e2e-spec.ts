import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { KALEM_DEFAULT_API_KEY } from '@switchboard/simulators/kalem';
import { pollUntil } from '@switchboard/simulators/testing';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import type { Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, VENDORS, waitForTerminal } from '../support/calls';
import type { CountingProxy } from '../support/counting-proxy';
import { startCountingProxy } from '../support/counting-proxy';
import { ROOMY_BUDGETS, ROUTING_TEST_ENV } from '../support/routing-gateway';

/**
 * Routing and failover through the simulators' faults (README "Routing and failover"):
 * A is the sandbox Kalem connection, B the sandbox Klen one, tried in that order.
 */
describe('routing and failover', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sb: Sandbox;
  let A: string;
  let B: string;
  let counter = 0;
  const proxies: CountingProxy[] = [];
  const number = () => `+1555020${String(1000 + counter++).slice(-4)}`;
  const both = () => ({ routing: { connections: [A, B] } });

  /** Every dial any simulator received to this number. */
  const dialsTo = async (to: string): Promise<{ vendor: string }[]> => {
    const found: { vendor: string }[] = [];
    for (const vendor of VENDORS) {
      const res = await sb.vendors[vendor].sim.get('/__sim/calls');
      for (const call of res.body.calls) if (JSON.stringify(call).includes(to)) found.push({ vendor });
    }
    return found;
  };
  const fault = async (vendor: 'kalem' | 'klen', config: Record<string, unknown>) => {
    const res = await sb.vendors[vendor].sim.post('/__sim/faults', config);
    assert.equal(res.status, 200, res.text);
  };

  before(async () => {
    gw = await startTestGateway(ROUTING_TEST_ENV);
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
    A = sb.vendors.kalem.connectionId;
    B = sb.vendors.klen.connectionId;
    assert.equal((await api.patch(`/v1/providers/${A}`, { priority: 1, rate_limits: ROOMY_BUDGETS })).status, 200);
    assert.equal((await api.patch(`/v1/providers/${B}`, { priority: 2, rate_limits: ROOMY_BUDGETS })).status, 200);
  });
  afterEach(async () => {
    await fault('kalem', { mode: 'none' });
    await fault('klen', { mode: 'none' });
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await gw.close();
  });

  it('A answering 500 → placed at B; attempts show both and call.attempt_failed is in the timeline', async () => {
    await fault('kalem', { mode: 'error', status: 500 });
    const to = number();
    const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, ...both() });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.connection_id, B);
    assert.equal(res.body.provider, 'klen');
    assert.deepEqual(
      res.body.attempts.map((a: any) => [a.connection_id, a.outcome]),
      [
        [A, 'failed'],
        [B, 'created'],
      ],
    );
    const timeline = await api.get(`/v1/calls/${res.body.id}/events`);
    const types = timeline.body.data.map((e: any) => e.type);
    assert.deepEqual(types.slice(0, 2), ['call.created', 'call.attempt_failed']);
    assert.deepEqual(await dialsTo(to), [{ vendor: 'klen' }]);
  });

  it('A answering 422 → no failover: the vendor refused the call itself and says why', async () => {
    await fault('kalem', { mode: 'error', status: 422 });
    const to = number();
    const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, ...both() });
    assert.ok([422, 502].includes(res.status), res.text);
    const stored = res.body.error.details.find((d: any) => d.call_id);
    assert.ok(stored, 'the refused call is named');
    const call = await api.get(`/v1/calls/${stored.call_id}`);
    assert.equal(call.body.status, 'failed');
    assert.equal(call.body.end_reason, 'provider_rejected');
    assert.deepEqual(
      call.body.attempts.map((a: any) => [a.connection_id, a.outcome]),
      [[A, 'failed']],
    );
    assert.deepEqual(await dialsTo(to), [], 'B was never asked');
  });

  it('A resetting the connection before placing anything → looked up there, provably absent, placed at B: one dial in all', async () => {
    await fault('kalem', { mode: 'reset', count: 1 });
    const to = number();
    const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, ...both() });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(
      res.body.attempts.map((a: any) => [a.connection_id, a.outcome, a.error_code]),
      [
        [A, 'failed', 'not_placed_after_timeout'],
        [B, 'created', null],
      ],
    );
    assert.deepEqual(await dialsTo(to), [{ vendor: 'klen' }]);
  });

  it('A resetting after it placed the call → found at A, never dialed at B', async () => {
    await fault('kalem', { mode: 'reset', after_create: true, count: 1 });
    const to = number();
    const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, ...both() });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.connection_id, A);
    assert.ok(res.body.provider_call_id);
    assert.deepEqual(
      res.body.attempts.map((a: any) => [a.connection_id, a.outcome, a.error_code]),
      [[A, 'created', 'answer_lost']],
    );
    assert.deepEqual(await dialsTo(to), [{ vendor: 'kalem' }]);
  });

  it('A timing out after it placed the call → found at A: one dial in all, also when the client retries with the same key', async () => {
    // The vendor places the call and then holds the response past the gateway's timeout.
    await fault('kalem', { mode: 'timeout', after_create: true, delay_ms: 5_000, count: 1 });
    const to = number();
    const body = { to, agent_id: sb.agentId, ...both() };
    const res = await api.post('/v1/calls', body, { headers: { 'idempotency-key': 'timeout-after-create' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.connection_id, A);
    assert.deepEqual(
      res.body.attempts.map((a: any) => [a.connection_id, a.outcome, a.error_code]),
      [[A, 'created', 'answer_lost']],
    );
    const retry = await api.post('/v1/calls', body, { headers: { 'idempotency-key': 'timeout-after-create' } });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body.id, res.body.id);
    assert.deepEqual(await dialsTo(to), [{ vendor: 'kalem' }]);
  });

  it('an outcome A cannot tell (its call list failing too) → 504 with the call and an ambiguous attempt; nothing dialed elsewhere; the retry replays', async () => {
    const proxy = await startCountingProxy(new URL(sb.vendors.kalem.baseUrl).origin);
    proxies.push(proxy);
    proxy.answer = (req, res) => {
      if (req.method !== 'GET' || !req.path.includes('/calls')) return false;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Service Unavailable"}');
      return true;
    };
    const kalem = await kalemFirstThenKlen(api, sb, 'kalem behind a proxy', `${proxy.origin}/api/v1`, 1);
    const to = number();
    // No webhook may tell the gateway either: only the vendor's call list could, and it fails.
    assert.equal(
      (await sb.vendors.kalem.sim.post('/__sim/scenario', { to, webhooks: 'drop', ring_ms: 300, talk_ms: 1000 }))
        .status,
      200,
    );
    await fault('kalem', { mode: 'reset', after_create: true, count: 1 });
    const body = { to, agent_id: kalem.agentId };
    const res = await api.post('/v1/calls', body, { headers: { 'idempotency-key': 'ambiguous-unknown' } });
    assert.equal(res.status, 504, res.text);
    assert.equal(res.body.error.code, 'provider_timeout');
    const stored = res.body.error.details.find((d: any) => d.call);
    assert.equal(stored.call.status, 'queued');
    assert.deepEqual(
      stored.call.attempts.map((a: any) => [a.connection_id, a.outcome]),
      [[kalem.connectionId, 'ambiguous']],
    );
    const again = await api.post('/v1/calls', body, { headers: { 'idempotency-key': 'ambiguous-unknown' } });
    assert.equal(again.status, 504);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await dialsTo(to), [{ vendor: 'kalem' }], 'only the vendor that may have it was dialed');
  });

  it('every connection failing → 503 providers_unavailable listing each attempt; nothing was placed, so the key is free for the retry', async () => {
    await fault('kalem', { mode: 'error', status: 500 });
    await fault('klen', { mode: 'error', status: 503 });
    const to = number();
    const body = { to, agent_id: sb.agentId, ...both() };
    const res = await api.post('/v1/calls', body, { headers: { 'idempotency-key': 'all-down' } });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.code, 'providers_unavailable');
    const attempts = res.body.error.details.filter((d: any) => d.outcome);
    assert.deepEqual(
      attempts.map((a: any) => [a.connection_id, a.outcome, a.provider_status]),
      [
        [A, 'failed', 500],
        [B, 'failed', 503],
      ],
    );
    const failed = res.body.error.details.find((d: any) => d.call).call;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.end_reason, 'providers_unavailable');

    await fault('kalem', { mode: 'none' });
    await fault('klen', { mode: 'none' });
    const retry = await api.post('/v1/calls', body, { headers: { 'idempotency-key': 'all-down' } });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.deepEqual(await dialsTo(to), [{ vendor: 'kalem' }]);
  });

  it('failover: false → one attempt only', async () => {
    await fault('kalem', { mode: 'error', status: 500 });
    const to = number();
    const res = await api.post('/v1/calls', {
      to,
      agent_id: sb.agentId,
      routing: { connections: [A, B], failover: false },
    });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.details.filter((d: any) => d.outcome).length, 1);
    assert.deepEqual(await dialsTo(to), []);
  });

  it('a connection whose vendor refuses connections → placed at the next', async () => {
    const port = await closedPort();
    const down = await kalemFirstThenKlen(api, sb, 'kalem down', `http://127.0.0.1:${port}/api/v1`, 0);
    const to = number();
    const res = await api.post('/v1/calls', { to, agent_id: down.agentId });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(
      res.body.attempts.map((a: any) => [a.connection_id, a.outcome]),
      [
        [down.connectionId, 'failed'],
        [B, 'created'],
      ],
    );
    assert.deepEqual(await dialsTo(to), [{ vendor: 'klen' }]);
  });

  it('A answering 429 with a reset time → placed at B; A is skipped unasked until then (503 with Retry-After when it is the only one), then used again', async () => {
    await fault('kalem', { mode: 'rate_limit', count: 1, retry_after_seconds: 3 });
    const first = await api.post('/v1/calls', { to: number(), agent_id: sb.agentId, ...both() });
    assert.equal(first.status, 201, first.text);
    assert.deepEqual(
      first.body.attempts.map((a: any) => [a.connection_id, a.outcome]),
      [
        [A, 'failed'],
        [B, 'created'],
      ],
    );
    const next = await api.post('/v1/calls', { to: number(), agent_id: sb.agentId, ...both() });
    assert.deepEqual(
      next.body.attempts.map((a: any) => [a.connection_id, a.outcome, a.error_code]),
      [
        [A, 'skipped', 'rate_budget'],
        [B, 'created', null],
      ],
    );
    const onlyA = number();
    const alone = await api.post('/v1/calls', { to: onlyA, agent_id: sb.agentId, routing: { connections: [A] } });
    assert.equal(alone.status, 503, alone.text);
    assert.equal(alone.body.error.code, 'providers_unavailable');
    assert.ok(Number(alone.headers.get('retry-after')) >= 1, `Retry-After: ${alone.headers.get('retry-after')}`);
    assert.deepEqual(await dialsTo(onlyA), []);
    // Once the vendor's reset time has passed, A takes calls again.
    const again = await pollUntil(
      () => api.post('/v1/calls', { to: number(), agent_id: sb.agentId, ...both() }),
      (res) => res.body.connection_id === A,
      { timeoutMs: 15_000, intervalMs: 500, what: 'A to be used again after its reset time' },
    );
    assert.deepEqual(
      again.body.attempts.map((a: any) => a.outcome),
      ['created'],
    );
  });

  it('50 concurrent requests with one Idempotency-Key → exactly one dial', async () => {
    const to = number();
    const body = { to, agent_id: sb.agentId, ...both() };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api.post('/v1/calls', body, { headers: { 'idempotency-key': 'fifty' } })),
    );
    const statuses = results.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(','),
    );
    assert.ok(statuses.includes(201));
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
    assert.equal(ids.size, 1, 'every 201 is the same call');
    assert.deepEqual(await dialsTo(to), [{ vendor: 'kalem' }]);
  });

  it('a batch of 100 numbers with A failing about half of its creates → every number dialed exactly once', async () => {
    await fault('kalem', { mode: 'error', status: 500, probability: 0.5 });
    const numbers = Array.from({ length: 100 }, () => number());
    const res = await api.post('/v1/calls', { to: numbers, agent_id: sb.agentId, ...both() });
    assert.equal(res.status, 201, res.text);
    const errors = res.body.data.filter((c: any) => c.object === 'error');
    assert.deepEqual(errors, []);
    const byVendor: Record<string, number> = {};
    for (const to of numbers) {
      const dials = await dialsTo(to);
      assert.equal(dials.length, 1, `${to} dialed ${dials.length} times`);
      byVendor[dials[0].vendor] = (byVendor[dials[0].vendor] ?? 0) + 1;
    }
    assert.ok((byVendor.kalem ?? 0) > 10 && (byVendor.klen ?? 0) > 10, JSON.stringify(byVendor));
    const failedOver = res.body.data.filter((c: any) => c.attempts.length === 2);
    assert.equal(failedOver.length, byVendor.klen, 'every call placed at B went through a failed attempt at A first');
  });

  it('least_cost picks the cheapest connection; pinned uses exactly the one given', async () => {
    assert.equal((await api.patch(`/v1/providers/${A}`, { cost_per_minute: 0.2 })).status, 200);
    assert.equal((await api.patch(`/v1/providers/${B}`, { cost_per_minute: 0.05 })).status, 200);
    const cheap = await api.post('/v1/calls', {
      to: number(),
      agent_id: sb.agentId,
      routing: { strategy: 'least_cost', connections: [A, B] },
    });
    assert.equal(cheap.status, 201, cheap.text);
    assert.equal(cheap.body.connection_id, B);

    const pinned = await api.post('/v1/calls', {
      to: number(),
      agent_id: sb.agentId,
      provider: A,
      routing: { strategy: 'pinned' },
    });
    assert.equal(pinned.body.connection_id, A);
    const ambiguousPin = await api.post('/v1/calls', {
      to: number(),
      agent_id: sb.agentId,
      routing: { strategy: 'pinned', connections: [A, B] },
    });
    assert.equal(ambiguousPin.status, 422);
    assert.equal(ambiguousPin.body.error.details[0].field, 'routing.strategy');
  });

  it("weighted follows the weights, and an agent's routing defaults apply when the request has none", async () => {
    assert.equal((await api.patch(`/v1/providers/${A}`, { weight: 0 })).status, 200);
    assert.equal((await api.patch(`/v1/providers/${B}`, { weight: 5 })).status, 200);
    const agent = await api.post('/v1/agents', {
      name: 'weighted by default',
      routing: { strategy: 'weighted', connections: [A, B] },
      bindings: [
        { connection_id: A, provider_agent_id: sb.vendors.kalem.providerAgentId },
        { connection_id: B, provider_agent_id: sb.vendors.klen.providerAgentId },
      ],
    });
    assert.equal(agent.status, 201, agent.text);
    assert.equal(agent.body.routing.strategy, 'weighted');
    for (let i = 0; i < 5; i++) {
      const res = await api.post('/v1/calls', { to: number(), agent_id: agent.body.id });
      assert.equal(res.body.connection_id, B, 'weight 0 is only a last resort');
    }
    // The request's own strategy wins over the agent's default.
    const byPriority = await api.post('/v1/calls', {
      to: number(),
      agent_id: agent.body.id,
      routing: { strategy: 'priority' },
    });
    assert.equal(byPriority.body.connection_id, A);
    assert.equal((await api.patch(`/v1/providers/${A}`, { weight: 1 })).status, 200);
    assert.equal((await api.patch(`/v1/providers/${B}`, { weight: 1 })).status, 200);
  });
});

describe('routing around an open circuit', () => {
  const FAILURES_TO_OPEN = 3;
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sb: Sandbox;
  let proxy: CountingProxy;
  let A: string;
  let agentId: string;
  let n = 0;
  const number = () => `+1555021${String(1000 + n++).slice(-4)}`;

  before(async () => {
    gw = await startTestGateway({
      CIRCUIT_CONSECUTIVE_FAILURES: String(FAILURES_TO_OPEN),
      CIRCUIT_HALF_OPEN_AFTER_MS: '1500',
      OUTCOME_DEMOTE_MIN_CALLS: '3',
      OUTCOME_CACHE_MS: '0',
    });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
    proxy = await startCountingProxy(new URL(sb.vendors.kalem.baseUrl).origin);
    ({ connectionId: A, agentId } = await kalemFirstThenKlen(api, sb, 'kalem, counted', `${proxy.origin}/api/v1`, 1));
  });
  after(async () => {
    await proxy.close();
    await gw.close();
  });

  it('A failing N times opens its circuit; while open A is skipped unasked; the half-open probe closes it and A is used again', async () => {
    assert.equal((await sb.vendors.kalem.sim.post('/__sim/faults', { mode: 'error', status: 500 })).status, 200);
    for (let i = 0; i < FAILURES_TO_OPEN; i++) {
      const res = await api.post('/v1/calls', { to: number(), agent_id: agentId });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(
        res.body.attempts.map((a: any) => a.outcome),
        ['failed', 'created'],
      );
    }
    const open = await api.get(`/v1/providers/${A}`);
    assert.equal(open.body.health.circuit, 'open');
    const sent = proxy.count;
    const skipped = await api.post('/v1/calls', { to: number(), agent_id: agentId });
    assert.equal(skipped.status, 201, skipped.text);
    assert.deepEqual(
      skipped.body.attempts.map((a: any) => [a.connection_id, a.outcome, a.error_code]),
      [
        [A, 'skipped', 'circuit_open'],
        [sb.vendors.klen.connectionId, 'created', null],
      ],
    );
    assert.equal(proxy.count, sent, 'A was not called while its circuit was open');

    assert.equal((await sb.vendors.kalem.sim.post('/__sim/faults', { mode: 'none' })).status, 200);
    await pollUntil(
      async () => (await api.get(`/v1/providers/${A}`)).body.health.circuit,
      (c) => c === 'half_open',
      { timeoutMs: 10_000, intervalMs: 100, what: 'the probe to be due' },
    );
    const probe = await api.post('/v1/calls', { to: number(), agent_id: agentId });
    assert.equal(probe.status, 201, probe.text);
    assert.equal(probe.body.connection_id, A, 'the probe call went to A and succeeded');
    assert.equal((await api.get(`/v1/providers/${A}`)).body.health.circuit, 'closed');
  });

  it('a connection whose accepted calls keep failing at the vendor is demoted: tried only after the healthy one', async () => {
    assert.equal((await sb.vendors.kalem.sim.post('/__sim/scenario', { outcome: 'failed', ring_ms: 200 })).status, 200);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await api.post('/v1/calls', {
          to: number(),
          agent_id: agentId,
          provider: A,
          routing: { strategy: 'pinned' },
        });
        assert.equal(res.status, 201, res.text);
        await waitForTerminal(api, res.body.id);
      }
    } finally {
      await sb.vendors.kalem.sim.post('/__sim/scenario', { ring_ms: 300, talk_ms: 2000 });
    }
    const health = (await api.get(`/v1/providers/${A}`)).body.health;
    assert.equal(health.circuit, 'closed', 'its API answered 2xx all along');
    assert.equal(health.outcomes.demoted, true, JSON.stringify(health.outcomes));
    const routed = await api.post('/v1/calls', { to: number(), agent_id: agentId });
    assert.equal(routed.status, 201, routed.text);
    assert.deepEqual(
      routed.body.attempts.map((a: any) => [a.connection_id, a.outcome]),
      [[sb.vendors.klen.connectionId, 'created']],
    );
  });
});

/**
 * A Kalem connection at `baseUrl` (a proxy, or a port nothing listens on) first in line, and
 * an agent bound to it and to the sandbox Klen connection after it.
 */
async function kalemFirstThenKlen(
  api: ReturnType<typeof client>,
  sb: Sandbox,
  name: string,
  baseUrl: string,
  priority: number,
) {
  const conn = await api.post('/v1/providers', {
    provider: 'kalem',
    name,
    credentials: { api_key: KALEM_DEFAULT_API_KEY },
    base_url: baseUrl,
    defaults: sb.vendors.kalem.defaults,
    priority,
    // Often nothing listens there: that is what the test is about, not a refusal at creation.
    verify: false,
  });
  assert.equal(conn.status, 201, conn.text);
  const agent = await api.post('/v1/agents', {
    name,
    bindings: [
      { connection_id: conn.body.id, provider_agent_id: sb.vendors.kalem.providerAgentId },
      { connection_id: sb.vendors.klen.connectionId, provider_agent_id: sb.vendors.klen.providerAgentId },
    ],
  });
  assert.equal(agent.status, 201, agent.text);
  return { connectionId: conn.body.id as string, agentId: agent.body.id as string };
}

/** A loopback port with nothing listening: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
