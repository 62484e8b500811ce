import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '@switchboard/core';
import { decideAfter } from './attempt-rules';
import type { RoutableConnection } from './routing-plan';
import { demoteUnhealthy, orderCandidates, planRoute } from './routing-plan';

const conn = (id: string, over: Partial<RoutableConnection> = {}): RoutableConnection => ({
  id,
  provider: 'kalem',
  enabled: true,
  priority: 100,
  weight: 1,
  costPerMinute: null,
  ...over,
});
const candidates = (...list: RoutableConnection[]) =>
  list.map((connection) => ({ connection, providerAgentId: `agent-${connection.id}` }));
const ids = (list: { connection: RoutableConnection }[]) => list.map((c) => c.connection.id);

/** A small deterministic generator (mulberry32), so distribution tests are repeatable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('orderCandidates', () => {
  it('priority: lowest number first, ties by id', () => {
    const list = candidates(conn('c', { priority: 2 }), conn('b', { priority: 1 }), conn('a', { priority: 2 }));
    assert.deepEqual(ids(orderCandidates(list, 'priority', Math.random)), ['b', 'a', 'c']);
  });

  it('least_cost: cheapest per minute first, unknown cost last', () => {
    const list = candidates(
      conn('a', { costPerMinute: 0.1 }),
      conn('b'),
      conn('c', { costPerMinute: 0.02 }),
      conn('d', { costPerMinute: 0.1, priority: 1 }),
    );
    assert.deepEqual(ids(orderCandidates(list, 'least_cost', Math.random)), ['c', 'd', 'a', 'b']);
  });

  it('weighted: the first choice follows the weights (3:1 → 75 % ± 2 % over 20,000 draws)', () => {
    const list = candidates(conn('heavy', { weight: 3 }), conn('light', { weight: 1 }));
    const random = seeded(42);
    let heavy = 0;
    for (let i = 0; i < 20_000; i++)
      if (orderCandidates(list, 'weighted', random)[0].connection.id === 'heavy') heavy++;
    assert.ok(Math.abs(heavy / 20_000 - 0.75) < 0.02, `heavy first ${heavy} of 20000`);
  });

  it('weighted: the fallback order is weighted too, and weight 0 comes only last', () => {
    const list = candidates(
      conn('a', { weight: 1 }),
      conn('b', { weight: 1 }),
      conn('zero', { weight: 0, priority: 1 }),
    );
    const random = seeded(7);
    const seconds: Record<string, number> = {};
    for (let i = 0; i < 2_000; i++) {
      const order = ids(orderCandidates(list, 'weighted', random));
      assert.equal(order[2], 'zero');
      assert.equal(new Set(order).size, 3, 'every candidate once');
      seconds[order[1]] = (seconds[order[1]] ?? 0) + 1;
    }
    assert.ok(seconds.a > 800 && seconds.b > 800, JSON.stringify(seconds));
  });

  it('demoteUnhealthy moves demoted connections to the end, keeping both groups in order', () => {
    const list = candidates(conn('a', { priority: 1 }), conn('b', { priority: 2 }), conn('c', { priority: 3 }));
    assert.deepEqual(ids(demoteUnhealthy(list, (id) => id === 'a')), ['b', 'c', 'a']);
  });
});

describe('planRoute', () => {
  const connections = [
    conn('con_a', { priority: 1 }),
    conn('con_b', { priority: 2, provider: 'klen' }),
    conn('con_off', { enabled: false }),
  ];
  const bindings = connections.map((c) => ({ connectionId: c.id, providerAgentId: `pa-${c.id}` }));
  const plan = (request = {}, defaults = {}) =>
    planRoute({ agentId: 'agt_1', bindings, connections, request, defaults });

  it('keeps enabled bindings only, ordered, with failover on by default', () => {
    const result = plan();
    assert.ok(result.ok);
    assert.deepEqual(ids(result.candidates), ['con_a', 'con_b']);
    assert.equal(result.failover, true);
    assert.equal(result.candidates[1].providerAgentId, 'pa-con_b');
  });

  it('narrows by provider name or connection id; an unknown one is a field problem', () => {
    const byName = plan({ provider: 'klen' });
    assert.ok(byName.ok && ids(byName.candidates).join() === 'con_b');
    const none = plan({ provider: 'hmsovereign' });
    assert.ok(!none.ok && 'problems' in none && none.problems[0].field === 'provider');
  });

  it('pinned needs exactly one connection and never fails over', () => {
    const many = plan({ strategy: 'pinned' });
    assert.ok(!many.ok && 'problems' in many && many.problems[0].field === 'routing.strategy');
    const one = plan({ strategy: 'pinned', connections: ['con_b'] });
    assert.ok(one.ok && one.failover === false && ids(one.candidates).join() === 'con_b');
  });

  it("the request's fields win over the agent's defaults one by one", () => {
    const fromDefaults = plan({}, { connections: ['con_b'], failover: false });
    assert.ok(fromDefaults.ok && ids(fromDefaults.candidates).join() === 'con_b' && fromDefaults.failover === false);
    const overridden = plan(
      { connections: ['con_a', 'con_b'], failover: true },
      { connections: ['con_b'], failover: false },
    );
    assert.ok(overridden.ok && overridden.candidates.length === 2 && overridden.failover === true);
  });

  it('a connection the agent has no binding on is a field problem naming it', () => {
    const result = plan({ connections: ['con_a', 'con_elsewhere'] });
    assert.ok(!result.ok && 'problems' in result);
    assert.deepEqual(
      result.problems.map((p) => p.field),
      ['routing.connections[1]'],
    );
  });

  it('nothing enabled left → unavailable, not a field problem', () => {
    const result = plan({ connections: ['con_off'] });
    assert.ok(!result.ok && 'unavailable' in result);
  });
});

describe('decideAfter', () => {
  const error = (kind: ConstructorParameters<typeof ProviderError>[0]['kind'], local = false) =>
    new ProviderError({ provider: 'kalem', kind, message: 'x', local });
  it('fails over only where nothing was placed, looks up the ambiguous, stops on the vendor refusing the call', () => {
    assert.equal(decideAfter(error('retryable')), 'next');
    assert.equal(decideAfter(error('rate_limited')), 'next');
    assert.equal(decideAfter(error('rate_limited', true)), 'skip');
    assert.equal(decideAfter(error('retryable', true)), 'skip');
    assert.equal(decideAfter(error('ambiguous')), 'look_up');
    for (const kind of ['invalid_request', 'auth', 'not_found', 'conflict', 'unsupported', 'unknown'] as const)
      assert.equal(decideAfter(error(kind)), 'stop', kind);
  });
});
