import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetLease } from './budget-lease';
import type { TakeResult } from './rate-budget.store';

/** A store that grants what is asked up to what it has left, recording each take. */
function store(left: number) {
  const asked: number[] = [];
  return {
    asked,
    take: (units: number): Promise<TakeResult> => {
      asked.push(units);
      if (left === 0) return Promise.resolve({ granted: false, retryAfterMs: 5_000, window: 0 });
      const granted = Math.min(units, left) === units ? units : 1;
      left -= granted;
      return Promise.resolve({ granted: true, units: granted });
    },
  };
}

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('BudgetLease', () => {
  it('hands out what a take brought without asking the store again while the lease lives, then asks again', async () => {
    const s = store(1_000);
    const c = clock();
    const lease = new BudgetLease(s.take, { lifeMs: 1_000, maxUnits: 10 }, c.now);
    assert.equal(lease.tryTake(), false, 'nothing leased yet');
    // The first request starts a take for itself (no demand yet); the four arriving meanwhile share the next.
    await Promise.all(Array.from({ length: 5 }, () => lease.acquire()));
    assert.deepEqual(s.asked, [1, 4]);
    // Five handed out in this life: the next take leases five, one for this request, four kept.
    await lease.acquire();
    assert.deepEqual(s.asked, [1, 4, 5]);
    for (let i = 0; i < 4; i++) assert.equal(lease.tryTake(), true, `unit ${i + 1} of the lease`);
    assert.equal(lease.tryTake(), false, 'the lease is spent');
    assert.equal(s.asked.length, 3, 'no take while it held units');
  });

  it('drops what a lease still holds when it dies, and when a vendor 429 drops it', async () => {
    const s = store(1_000);
    const c = clock();
    const lease = new BudgetLease(s.take, { lifeMs: 1_000, maxUnits: 10 }, c.now);
    await Promise.all(Array.from({ length: 5 }, () => lease.acquire()));
    await lease.acquire();
    assert.ok(lease.tryTake(), 'the lease holds units');
    c.advance(999);
    assert.ok(lease.tryTake(), 'alive until its life is over');
    c.advance(1);
    assert.equal(lease.tryTake(), false, 'dead at its life, units left or not');
    await lease.acquire();
    assert.ok(lease.tryTake());
    lease.drop();
    assert.equal(lease.tryTake(), false);
  });

  it('asks for no more than its terms allow, and never fewer than the requests waiting', async () => {
    const s = store(1_000);
    const c = clock();
    const lease = new BudgetLease(s.take, { lifeMs: 100, maxUnits: 4 }, c.now);
    const three = await Promise.all(Array.from({ length: 3 }, () => lease.acquire()));
    assert.deepEqual(three, Array(3).fill({ granted: true, units: 1 }));
    assert.deepEqual(s.asked, [1, 2]);
    // 20 at once: the first take asks for the demand (3); then 4 at a time, one take in flight.
    await Promise.all(Array.from({ length: 20 }, () => lease.acquire()));
    assert.deepEqual(s.asked.slice(2), [3, 4, 4, 4, 4, 4]);
  });

  it('forgets the demand of a life long past', async () => {
    const s = store(1_000);
    const c = clock();
    const lease = new BudgetLease(s.take, { lifeMs: 100, maxUnits: 50 }, c.now);
    await Promise.all(Array.from({ length: 30 }, () => lease.acquire()));
    c.advance(100);
    await lease.acquire();
    assert.equal(s.asked.at(-1), 30, "the last life's demand");
    c.advance(1_000);
    await lease.acquire();
    assert.equal(s.asked.at(-1), 1, 'quiet since: one at a time');
  });

  it('answers every waiting request with the refusal, or the failure, of the take they share', async () => {
    const refused = new BudgetLease(store(0).take, { lifeMs: 1_000, maxUnits: 10 });
    const answers = await Promise.all(Array.from({ length: 3 }, () => refused.acquire()));
    assert.deepEqual(answers, Array(3).fill({ granted: false, retryAfterMs: 5_000, window: 0 }));

    let takes = 0;
    const failing = new BudgetLease(
      () => {
        takes++;
        return Promise.reject(new Error('store down'));
      },
      { lifeMs: 1_000, maxUnits: 10 },
    );
    const failures = await Promise.allSettled(Array.from({ length: 3 }, () => failing.acquire()));
    assert.deepEqual(
      failures.map((f) => f.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.equal(takes, 1);
  });

  it('gives what it could get when a take brings fewer units than waiting, then asks again', async () => {
    // 2 left in the store: the take of 3 brings one (all or one), then one, then a refusal.
    const s = store(2);
    const lease = new BudgetLease(s.take, { lifeMs: 1_000, maxUnits: 10 });
    const answers = await Promise.all(Array.from({ length: 3 }, () => lease.acquire()));
    assert.deepEqual(
      answers.map((a) => a.granted),
      [true, true, false],
    );
    assert.deepEqual(s.asked, [1, 2, 2]);
  });
});
