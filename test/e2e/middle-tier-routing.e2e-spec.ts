import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import { configureSimulators, type Sandbox, sandboxOf } from '../support/calls';
import { ROOMY_BUDGETS, ROUTING_TEST_ENV } from '../support/routing-gateway';

type Attempt = { connection_id: string; outcome: string };

/**
 * The `least_cost` and `weighted` strategies through the whole middle tier: routing plan,
 * dispatcher, call ledger and Postgres, with three sandbox connections placed on real
 * simulators. The pure ordering has unit specs (src/routing/routing-plan.spec.ts); these
 * check that the dispatcher tries connections in the order the strategy gives, falls over in
 * that order, and records each attempt on the stored call.
 * A is the sandbox Kalem connection, B Klen, C KaiCalls.
 */
describe('middle tier: least_cost and weighted routing through the dispatcher', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sb: Sandbox;
  let A: string;
  let B: string;
  let C: string;
  let counter = 0;
  const number = () => `+1555031${String(1000 + counter++).slice(-4)}`;
  const all = () => [A, B, C];
  const vendorOf: Record<string, 'kalem' | 'klen' | 'kaicalls'> = {};

  const fault = async (connection: string, mode: 'none' | 'error') => {
    const res = await sb.vendors[vendorOf[connection]].sim.post(
      '/__sim/faults',
      mode === 'none' ? { mode } : { mode, status: 500 },
    );
    assert.equal(res.status, 200, res.text);
  };
  const patch = async (connection: string, body: Record<string, unknown>) => {
    const res = await api.patch(`/v1/providers/${connection}`, body);
    assert.equal(res.status, 200, res.text);
  };
  const place = async (routing: Record<string, unknown>, agentId = sb.agentId) => {
    const res = await api.post('/v1/calls', { to: number(), agent_id: agentId, routing });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; connection_id: string; attempts: Attempt[] };
  };
  /** The attempts as the ledger stored them, read back rather than taken from the create's answer. */
  const storedAttempts = async (id: string) => {
    const res = await api.get(`/v1/calls/${id}`);
    assert.equal(res.status, 200, res.text);
    return (res.body.attempts as Attempt[]).map((a) => [a.connection_id, a.outcome]);
  };

  before(async () => {
    gw = await startTestGateway(ROUTING_TEST_ENV);
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
    A = sb.vendors.kalem.connectionId;
    B = sb.vendors.klen.connectionId;
    C = sb.vendors.kaicalls.connectionId;
    Object.assign(vendorOf, { [A]: 'kalem', [B]: 'klen', [C]: 'kaicalls' });
    await patch(A, { priority: 1, rate_limits: ROOMY_BUDGETS });
    await patch(B, { priority: 2, rate_limits: ROOMY_BUDGETS });
    await patch(C, { priority: 3, rate_limits: ROOMY_BUDGETS });
  });
  afterEach(async () => {
    for (const connection of all()) await fault(connection, 'none');
  });
  after(() => gw.close());

  it('least_cost tries the cheapest first and falls over in price order, unknown cost last', async () => {
    await patch(A, { cost_per_minute: 0.3 });
    await patch(B, { cost_per_minute: 0.1 });
    const listed = await api.get('/v1/providers?limit=200');
    assert.equal(listed.body.data.find((c: { id: string }) => c.id === C).cost_per_minute, null, 'C has no known cost');

    const cheapest = await place({ strategy: 'least_cost', connections: all() });
    assert.equal(cheapest.connection_id, B);
    assert.deepEqual(await storedAttempts(cheapest.id), [[B, 'created']]);

    await fault(B, 'error');
    const next = await place({ strategy: 'least_cost', connections: all() });
    assert.equal(next.connection_id, A);
    assert.deepEqual(await storedAttempts(next.id), [
      [B, 'failed'],
      [A, 'created'],
    ]);

    await fault(A, 'error');
    const last = await place({ strategy: 'least_cost', connections: all() });
    assert.equal(last.connection_id, C);
    assert.deepEqual(await storedAttempts(last.id), [
      [B, 'failed'],
      [A, 'failed'],
      [C, 'created'],
    ]);
  });

  it('least_cost never routes to a disabled connection, however cheap', async () => {
    await patch(A, { cost_per_minute: 0.3 });
    await patch(B, { cost_per_minute: 0.01, enabled: false });
    try {
      const call = await place({ strategy: 'least_cost', connections: all() });
      assert.equal(call.connection_id, A);
      assert.deepEqual(await storedAttempts(call.id), [[A, 'created']]);
    } finally {
      await patch(B, { enabled: true });
    }
  });

  it('weighted spreads first choices by weight (3:1) and never picks weight 0 first', async () => {
    await patch(A, { weight: 3 });
    await patch(B, { weight: 1 });
    await patch(C, { weight: 0 });
    const firstChoice: Record<string, number> = { [A]: 0, [B]: 0, [C]: 0 };
    const n = 48;
    for (let i = 0; i < n; i++)
      firstChoice[(await place({ strategy: 'weighted', connections: all() })).connection_id] += 1;
    // Binomial(48, 0.75): A at most B, or B never, each has odds below 1 in 10,000.
    assert.equal(firstChoice[C], 0, JSON.stringify(firstChoice));
    assert.ok(firstChoice[B] > 0, JSON.stringify(firstChoice));
    assert.ok(firstChoice[A] > firstChoice[B], JSON.stringify(firstChoice));
  });

  it('weighted falls over in weighted order, and weight 0 is tried only when the weighted ones failed', async () => {
    await patch(A, { weight: 3 });
    await patch(B, { weight: 1 });
    await patch(C, { weight: 0 });
    await fault(A, 'error');
    const orders = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const call = await place({ strategy: 'weighted', connections: all() });
      assert.equal(call.connection_id, B);
      const attempts = await storedAttempts(call.id);
      assert.ok(
        JSON.stringify(attempts) === JSON.stringify([[B, 'created']]) ||
          JSON.stringify(attempts) ===
            JSON.stringify([
              [A, 'failed'],
              [B, 'created'],
            ]),
        JSON.stringify(attempts),
      );
      orders.add(attempts[0][0]);
    }
    // 0.25^12 is the chance that A was never drawn first.
    assert.ok(orders.has(A), 'some calls tried A first and fell over to B');

    await fault(B, 'error');
    const last = await place({ strategy: 'weighted', connections: all() });
    assert.equal(last.connection_id, C);
    const attempts = await storedAttempts(last.id);
    assert.deepEqual(attempts.slice(2), [[C, 'created']]);
    assert.deepEqual(
      attempts
        .slice(0, 2)
        .map(([id]) => id)
        .sort(),
      [A, B].sort(),
    );
    assert.ok(
      attempts.slice(0, 2).every(([, outcome]) => outcome === 'failed'),
      JSON.stringify(attempts),
    );
  });

  it('weighted with every weight 0 keeps priority order', async () => {
    for (const connection of all()) await patch(connection, { weight: 0 });
    try {
      await fault(A, 'error');
      const call = await place({ strategy: 'weighted', connections: all() });
      assert.equal(call.connection_id, B);
      assert.deepEqual(await storedAttempts(call.id), [
        [A, 'failed'],
        [B, 'created'],
      ]);
    } finally {
      for (const connection of all()) await patch(connection, { weight: 1 });
    }
  });
});
