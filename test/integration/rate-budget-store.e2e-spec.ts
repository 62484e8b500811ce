import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { pollUntil } from '@switchboard/simulators/testing';
import { RateBudgetRings1764400000000 } from '../../src/database/migrations/1764400000000-rate-budget-rings';
import { RateBudgetLeases1764500000000 } from '../../src/database/migrations/1764500000000-rate-budget-leases';
import { BudgetLease } from '../../src/routing/rate-budget/budget-lease';
import { PostgresRateBudgetStore } from '../../src/routing/rate-budget/postgres-rate-budget.store';
import { RedisRateBudgetStore } from '../../src/routing/rate-budget/redis-rate-budget.store';
import type { RateBudgetStore } from '../../src/routing/rate-budget/rate-budget.store';
import type { BudgetWindow } from '../../src/routing/rate-budget/rate-budget-windows';
import { leaseTerms } from '../../src/routing/rate-budget/rate-budget-windows';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

const key = () => `con_test_${randomBytes(8).toString('hex')}`;
const requests = (limit: number, windowMs: number, slackMs = 0): BudgetWindow => ({
  scope: 'requests',
  limit,
  windowMs,
  slackMs,
});

/** The same behaviour from both stores: they are interchangeable behind REDIS_URL. */
function storeContract(name: string, open: () => Promise<{ store: RateBudgetStore; close(): Promise<void> }>) {
  describe(`${name} rate budget store`, () => {
    let store: RateBudgetStore;
    let close: () => Promise<void>;
    before(async () => ({ store, close } = await open()));
    after(() => close());

    it('grants exactly the limit to 200 parallel takes, and tells the others when the window frees', async () => {
      const k = key();
      const window = requests(60, 60_000);
      const results = await Promise.all(Array.from({ length: 200 }, () => store.take(k, [window], ['requests'], 1)));
      assert.equal(results.filter((r) => r.granted).length, 60);
      for (const r of results) {
        if (r.granted) continue;
        assert.equal(r.window, 0);
        assert.ok(r.retryAfterMs > 55_000 && r.retryAfterMs <= 60_000, `retry after ${r.retryAfterMs} ms`);
      }
      const usage = await store.usage(k, [window], ['requests']);
      assert.equal(usage.windows[0].used, 60);
      assert.equal(usage.blockedForMs, 0);
    });

    it('frees the window after its length, and not before', async () => {
      const k = key();
      const window = requests(3, 1_000);
      const started = Date.now();
      for (let i = 0; i < 3; i++) assert.equal((await store.take(k, [window], ['requests'], 1)).granted, true);
      const refused = await store.take(k, [window], ['requests'], 1);
      assert.equal(refused.granted, false);
      await pollUntil(
        () => store.take(k, [window], ['requests'], 1),
        (r) => r.granted,
        { timeoutMs: 5_000, intervalMs: 20, what: 'the window to free' },
      );
      assert.ok(Date.now() - started >= 1_000, `freed after ${Date.now() - started} ms`);
    });

    it('slides: never more than the limit in any interval of the window, even across a fixed boundary', async () => {
      const k = key();
      const window = requests(2, 1_500);
      const first = Date.now();
      assert.equal((await store.take(k, [window], ['requests'], 1)).granted, true);
      await pollUntil(
        () => Date.now(),
        (t) => t >= first + 700,
        { intervalMs: 20, what: '700 ms to pass' },
      );
      assert.equal((await store.take(k, [window], ['requests'], 1)).granted, true);
      // Only the first entry leaves at first + 1.5 s; the second keeps its place until ~2.2 s.
      await pollUntil(
        () => store.take(k, [window], ['requests'], 1),
        (r) => r.granted,
        { timeoutMs: 5_000, intervalMs: 20, what: 'the first entry to leave' },
      );
      const next = await store.take(k, [window], ['requests'], 1);
      assert.equal(next.granted, false);
      if (!next.granted)
        assert.ok(next.retryAfterMs > 300, `the second entry still holds its place (${next.retryAfterMs} ms left)`);
    });

    it('needs room in every window, and reports the one that frees last', async () => {
      const k = key();
      const windows = [requests(2, 1_000), requests(3, 2_000)];
      assert.equal((await store.take(k, windows, ['requests'], 1)).granted, true);
      assert.equal((await store.take(k, windows, ['requests'], 1)).granted, true);
      const short = await store.take(k, windows, ['requests'], 1);
      assert.deepEqual(short.granted ? null : short.window, 0);
      await pollUntil(
        () => store.take(k, windows, ['requests'], 1),
        (r) => r.granted,
        { timeoutMs: 5_000, intervalMs: 20, what: 'the short window to free' },
      );
      const long = await store.take(k, windows, ['requests'], 1);
      assert.equal(long.granted, false);
      if (!long.granted) {
        assert.equal(long.window, 1);
        assert.ok(long.retryAfterMs > 0 && long.retryAfterMs <= 1_000, `${long.retryAfterMs} ms`);
      }
    });

    it('keeps scopes apart: spent reads do not refuse a call', async () => {
      const k = key();
      const reads: BudgetWindow = { scope: 'reads', limit: 1, windowMs: 60_000, slackMs: 0 };
      const calls: BudgetWindow = { scope: 'calls', limit: 1, windowMs: 60_000, slackMs: 0 };
      assert.equal((await store.take(k, [reads], ['requests', 'reads'], 1)).granted, true);
      assert.equal((await store.take(k, [reads], ['requests', 'reads'], 1)).granted, false);
      assert.equal((await store.take(k, [calls], ['requests', 'calls'], 1)).granted, true);
    });

    it('blocks a scope until the time given, then lets takes through again', async () => {
      const k = key();
      const window = requests(100, 60_000);
      await store.block(k, 'calls', 1_000);
      const blocked = await store.take(k, [window], ['requests', 'calls'], 1);
      assert.equal(blocked.granted, false);
      if (!blocked.granted) {
        assert.equal(blocked.window, null);
        assert.ok(blocked.retryAfterMs > 0 && blocked.retryAfterMs <= 1_000);
      }
      // A block on creates does not stop reads; nothing was taken by the refused create.
      assert.equal((await store.take(k, [window], ['requests', 'reads'], 1)).granted, true);
      assert.equal((await store.usage(k, [window], ['requests', 'calls'])).windows[0].used, 1);
      assert.ok((await store.usage(k, [window], ['requests', 'calls'])).blockedForMs > 0);
      await pollUntil(
        () => store.take(k, [window], ['requests', 'calls'], 1),
        (r) => r.granted,
        { timeoutMs: 5_000, intervalMs: 20, what: 'the block to end' },
      );
      assert.equal((await store.usage(k, [window], ['requests', 'calls'])).blockedForMs, 0);
    });

    it('keeps the longer of two blocks, and a block on requests stops everything', async () => {
      const k = key();
      await store.block(k, 'requests', 30_000);
      await store.block(k, 'requests', 100);
      const usage = await store.usage(k, [], ['requests']);
      assert.ok(usage.blockedForMs > 25_000, `still blocked for ${usage.blockedForMs} ms`);
      const read = await store.take(k, [], ['requests', 'reads'], 1);
      assert.equal(read.granted, false);
    });

    it('keeps counting the takes already made when a limit is raised or lowered', async () => {
      const k = key();
      for (let i = 0; i < 3; i++)
        assert.equal((await store.take(k, [requests(3, 60_000)], ['requests'], 1)).granted, true);
      assert.equal((await store.take(k, [requests(3, 60_000)], ['requests'], 1)).granted, false);
      assert.equal((await store.take(k, [requests(5, 60_000)], ['requests'], 1)).granted, true);
      assert.equal((await store.take(k, [requests(5, 60_000)], ['requests'], 1)).granted, true);
      assert.equal((await store.take(k, [requests(5, 60_000)], ['requests'], 1)).granted, false);
      assert.equal((await store.take(k, [requests(2, 60_000)], ['requests'], 1)).granted, false);
      assert.equal((await store.usage(k, [requests(5, 60_000)], ['requests'])).windows[0].used, 5);
    });

    it('counts the takes already made in its scope against a window added later', async () => {
      const k = key();
      for (let i = 0; i < 3; i++)
        assert.equal((await store.take(k, [requests(10, 60_000)], ['requests'], 1)).granted, true);
      const added = await store.take(k, [requests(10, 60_000), requests(3, 30_000)], ['requests'], 1);
      assert.equal(added.granted, false);
      if (!added.granted) assert.equal(added.window, 1);
    });

    it('takes several units at once, or one when they do not all fit, never past any limit', async () => {
      const k = key();
      const windows = [requests(10, 60_000), requests(100, 120_000)];
      const units = [];
      for (let i = 0; i < 5; i++) {
        const r = await store.take(k, windows, ['requests'], 4);
        units.push(r.granted ? r.units : 0);
      }
      assert.deepEqual(units, [4, 4, 1, 1, 0]);
      assert.deepEqual(
        (await store.usage(k, windows, ['requests'])).windows.map((w) => w.used),
        [10, 10],
      );
      // Never more at once than a window's limit.
      const capped = await store.take(key(), [requests(3, 60_000)], ['requests'], 50);
      assert.deepEqual(capped, { granted: true, units: 3 });
    });

    it('grants exactly the limit to 100 parallel takes of 3 units', async () => {
      const k = key();
      const window = requests(60, 60_000);
      const results = await Promise.all(Array.from({ length: 100 }, () => store.take(k, [window], ['requests'], 3)));
      const granted = results.reduce((n, r) => n + (r.granted ? r.units : 0), 0);
      assert.equal(granted, 60);
      assert.equal((await store.usage(k, [window], ['requests'])).windows[0].used, 60);
    });

    it('counts a take for its window plus its slack (a leased unit may be spent that late)', async () => {
      const k = key();
      const window = requests(2, 1_000, 1_000);
      const started = Date.now();
      assert.deepEqual(await store.take(k, [window], ['requests'], 2), { granted: true, units: 2 });
      // The take's own time lies between `started` and now: what is left of its window and slack
      // at `started + 1 200` is 800 ms plus however late in that span it was written, and 1 ms
      // more for whole milliseconds (Date.now() rounds down, the store's answer up).
      const writtenBy = Date.now();
      await pollUntil(
        () => Date.now(),
        (t) => t >= started + 1_200,
        { intervalMs: 20, what: 'the window itself to pass' },
      );
      const held = await store.take(k, [window], ['requests'], 1);
      assert.equal(held.granted, false, 'still counted in its slack');
      if (!held.granted)
        assert.ok(
          held.retryAfterMs > 0 && held.retryAfterMs <= 801 + (writtenBy - started),
          `${held.retryAfterMs} ms (the take written within ${writtenBy - started} ms)`,
        );
      assert.equal((await store.usage(k, [window], ['requests'])).windows[0].used, 2);
      await pollUntil(
        () => store.take(k, [window], ['requests'], 1),
        (r) => r.granted,
        { timeoutMs: 5_000, intervalMs: 20, what: 'window and slack to pass' },
      );
      assert.ok(Date.now() - started >= 2_000, `freed after ${Date.now() - started} ms`);
    });

    it('reports usage: how much each window holds and when it admits one more', async () => {
      const k = key();
      const window = requests(5, 10_000);
      const empty = await store.usage(k, [window], ['requests']);
      assert.deepEqual(empty.windows, [{ used: 0, freesInMs: null }]);
      await store.take(k, [window], ['requests'], 1);
      await store.take(k, [window], ['requests'], 1);
      const used = await store.usage(k, [window], ['requests']);
      assert.equal(used.windows[0].used, 2);
      assert.ok(used.windows[0].freesInMs! > 9_000 && used.windows[0].freesInMs! <= 10_000);
    });
  });
}

let gw: TestGateway;
storeContract('Postgres', async () => {
  gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
  return { store: new PostgresRateBudgetStore(gw.gateway.app.get(DataSource)), close: () => gw.close() };
});

describe('Postgres rate budget store, its rings', () => {
  let ring: TestGateway;
  let db: DataSource;
  let store: PostgresRateBudgetStore;
  before(async () => {
    ring = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    db = ring.gateway.app.get(DataSource);
    store = new PostgresRateBudgetStore(db);
  });
  after(() => ring.close());

  it('keeps one slot per unit of the limit however many takes it grants, and counts them all', async () => {
    const k = key();
    // A 1 ms window frees almost at once, so takes are granted well past the limit.
    let granted = 0;
    await pollUntil(
      async () => {
        if ((await store.take(k, [requests(10, 1)], ['requests'], 1)).granted) granted++;
        return granted;
      },
      (n) => n >= 25,
      { timeoutMs: 10_000, intervalMs: 1, what: '25 takes granted' },
    );
    const [{ slots }] = (await db.query('SELECT count(*)::int AS slots FROM rate_budget_slots WHERE budget_key = $1', [
      k,
    ])) as { slots: number }[];
    const [{ taken }] = (await db.query('SELECT taken::int FROM rate_budget_rings WHERE budget_key = $1', [k])) as {
      taken: number;
    }[];
    assert.equal(slots, 10);
    assert.equal(taken, 25);
  });

  it('counts the takes the log held before the rings (an upgraded database)', async () => {
    const k = key();
    await db.query(
      `INSERT INTO rate_budget_entries (budget_key, scope, taken_at) SELECT $1, 'requests', clock_timestamp() FROM generate_series(1, 3)`,
      [k],
    );
    const refused = await store.take(k, [requests(3, 60_000)], ['requests'], 1);
    assert.equal(refused.granted, false);
    if (!refused.granted) assert.ok(refused.retryAfterMs > 55_000, `${refused.retryAfterMs} ms`);
    assert.equal((await store.take(k, [requests(4, 60_000)], ['requests'], 1)).granted, true);
  });

  it("down() puts the log's take back, and up() again counts what the log took", async () => {
    const k = key();
    const take = `SELECT granted FROM switchboard_take_rate_budget($1, '{requests}', '{2}', '{60000}', '{requests}')`;
    const migration = new RateBudgetRings1764400000000();
    const leases = new RateBudgetLeases1764500000000();
    const runner = db.createQueryRunner();
    try {
      // All in one transaction, rolled back: the database ends as the other tests found it.
      await runner.startTransaction();
      await leases.down(runner);
      await migration.down(runner);
      for (let i = 0; i < 2; i++) assert.deepEqual(await runner.query(take, [k]), [{ granted: true }]);
      const [{ logged }] = (await runner.query(
        'SELECT count(*)::int AS logged FROM rate_budget_entries WHERE budget_key = $1',
        [k],
      )) as { logged: number }[];
      assert.equal(logged, 2);
      await migration.up(runner);
      assert.deepEqual(await runner.query(take, [k]), [{ granted: false }]);
      await leases.up(runner);
      assert.deepEqual(await runner.query(take, [k]), [{ granted: false }]);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('the take of instances older than the leases still works beside them: one unit, no slack, one ring', async () => {
    const k = key();
    const old = `SELECT granted FROM switchboard_take_rate_budget($1, '{requests}', '{5}', '{60000}', '{requests}')`;
    assert.deepEqual(await db.query(old, [k]), [{ granted: true }]);
    assert.deepEqual(await store.take(k, [requests(5, 60_000, 1_000)], ['requests'], 3), { granted: true, units: 3 });
    assert.deepEqual(await db.query(old, [k]), [{ granted: true }]);
    assert.deepEqual(await db.query(old, [k]), [{ granted: false }]);
    const runner = db.createQueryRunner();
    try {
      await runner.startTransaction();
      await new RateBudgetLeases1764500000000().down(runner);
      // The rings' own take again, on the same ring: still full.
      assert.deepEqual(await runner.query(old, [key()]), [{ granted: true }]);
      assert.deepEqual(await runner.query(old, [k]), [{ granted: false }]);
      const [{ lease }] = (await runner.query(
        `SELECT count(*)::int AS lease FROM pg_proc WHERE proname = 'switchboard_lease_rate_budget'`,
      )) as { lease: number }[];
      assert.equal(lease, 0);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('two instances leasing from one budget never hand out more than its limit between them', async () => {
    const k = key();
    // 600 a minute: a second's slack, leases of up to 10 units.
    const windows = [requests(600, 60_000, 1_000)];
    const terms = leaseTerms(windows);
    assert.deepEqual(terms, { lifeMs: 1_000, maxUnits: 10 });
    let takes = 0;
    const take = (units: number) => {
      takes++;
      return store.take(k, windows, ['requests'], units);
    };
    const instances = [new BudgetLease(take, terms), new BudgetLease(take, terms)];
    let granted = 0;
    let refused = 0;
    // Eight requests at a time on each instance, until both are refused.
    await Promise.all(
      instances.flatMap((lease) =>
        Array.from({ length: 8 }, async () => {
          for (;;) {
            const r = await lease.acquire();
            if (!r.granted) return refused++;
            granted++;
          }
        }),
      ),
    );
    const [{ taken }] = (await db.query('SELECT taken::int FROM rate_budget_rings WHERE budget_key = $1', [k])) as {
      taken: number;
    }[];
    assert.equal(taken, 600, 'the store granted its limit');
    // What the leases still held when the store refused is lost to the window, at most a lease each.
    assert.ok(granted <= 600 && granted >= 600 - 2 * terms.maxUnits, `${granted} handed out`);
    assert.ok(refused >= 16);
    assert.ok(takes < granted / 3, `${takes} takes for ${granted} units`);
  });
});

storeContract('Redis', async () => {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  // A prefix of this run only, removed at the end.
  const prefix = `switchboard:test:${randomBytes(6).toString('hex')}`;
  return {
    store: new RedisRateBudgetStore(redis, prefix),
    async close() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
});
