import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallsRepository } from '../calls/calls.repository';
import { OutcomeHealth } from './outcome-health';
import type { OutcomeSettings, OutcomeStats } from './outcome-rules';

/** The ledger's aggregate, answered when the test says so; each ask is counted. */
function ledger() {
  const asks: { ids: string[]; answer: (stats: OutcomeStats) => void }[] = [];
  const calls = {
    outcomeStats: (ids: string[]) =>
      new Promise<Map<string, OutcomeStats>>((resolve) =>
        asks.push({ ids, answer: (stats) => resolve(new Map(ids.map((id) => [id, stats]))) }),
      ),
  } as unknown as CallsRepository;
  return { calls, asks };
}
const settings = (cacheMs: number): OutcomeSettings => ({
  windowSeconds: 900,
  demoteDialFailureRate: 0.5,
  demoteMinCalls: 2,
  cacheMs,
});
const failing: OutcomeStats = { finished: 4, answered: 0, failed: 4, setupLatencyMsP50: null };
const healthy: OutcomeStats = { finished: 4, answered: 4, failed: 0, setupLatencyMsP50: 1000 };
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe(OutcomeHealth.name, () => {
  it('fifty requests for an unknown connection send one query and all get its answer', async () => {
    const { calls, asks } = ledger();
    const health = new OutcomeHealth(calls, settings(5_000));
    const views = Promise.all(Array.from({ length: 50 }, () => health.demoted('con_a')));
    await settled();
    assert.equal(asks.length, 1);
    asks[0].answer(failing);
    assert.deepEqual(new Set(await views), new Set([true]));
  });

  it('an expired figure is served at once while one background refresh replaces it', async () => {
    const { calls, asks } = ledger();
    const health = new OutcomeHealth(calls, settings(1));
    const first = health.demoted('con_a');
    await settled();
    asks[0].answer(failing);
    assert.equal(await first, true);
    await new Promise((resolve) => setTimeout(resolve, 5)); // past the 1 ms cache
    const during = await Promise.all(Array.from({ length: 20 }, () => health.demoted('con_a')));
    assert.deepEqual(new Set(during), new Set([true]), 'the old figure, without waiting for the query');
    assert.equal(asks.length, 2, 'one refresh for all twenty');
    asks[1].answer(healthy);
    await settled();
    assert.equal(await health.demoted('con_a'), false, 'the refreshed figure from then on');
  });

  it('with no cache every request waits for fresh figures', async () => {
    const { calls, asks } = ledger();
    const health = new OutcomeHealth(calls, settings(0));
    const first = health.demoted('con_a');
    await settled();
    asks[0].answer(failing);
    assert.equal(await first, true);
    const second = health.demoted('con_a');
    await settled();
    assert.equal(asks.length, 2);
    asks[1].answer(healthy);
    assert.equal(await second, false);
  });

  it('with no cache a request does not settle for a query that started before it', async () => {
    const { calls, asks } = ledger();
    const health = new OutcomeHealth(calls, settings(0));
    const early = health.demoted('con_a');
    await settled();
    const late = health.demoted('con_a');
    await settled();
    assert.equal(asks.length, 2, 'the later request sent its own query');
    asks[0].answer(healthy);
    asks[1].answer(failing);
    assert.deepEqual([await early, await late], [false, true]);
  });

  it('a connection deleted while its figures are refreshed is not brought back', async () => {
    const { calls, asks } = ledger();
    const health = new OutcomeHealth(calls, settings(5_000));
    const pending = health.views(['con_a']);
    await settled();
    health.forget('con_a');
    asks[0].answer(failing);
    assert.equal((await pending).get('con_a')!.demoted, false, 'read as a connection with no outcomes');
    const again = health.demoted('con_a');
    await settled();
    assert.equal(asks.length, 2, 'nothing cached for it: asked again');
    asks[1].answer(healthy);
    assert.equal(await again, false);
  });
});
