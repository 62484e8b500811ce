import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { callsPageQuery, callsPageText, filterCalls, numberGrams } from '../../src/calls/calls-list.query';
import { NumberGramStats } from '../../src/calls/number-gram-stats';
import { CallsRepository } from '../../src/calls/calls.repository';
import { listPlan } from '../support/list-plan';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * created_after / created_before compare the millisecond the API shows, while the column keeps
 * microseconds. Rows are written with exact microsecond times around one millisecond T so each
 * boundary is pinned: a row inside T's millisecond is neither after T nor before T.
 */
describe('calls list: created_after / created_before', () => {
  let gw: TestGateway;
  let dataSource: DataSource;
  let calls: CallsRepository;
  const T = '2026-03-04T05:06:07.123Z';
  const rows: Record<string, string> = {
    lastBeforeT: '2026-03-04 05:06:07.122999+00',
    startOfT: '2026-03-04 05:06:07.123000+00',
    insideT: '2026-03-04 05:06:07.123999+00',
    afterT: '2026-03-04 05:06:07.124000+00',
  };
  const ids: Record<string, string> = {};
  const suite = `bounds-${Date.now()}`;

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    dataSource = gw.gateway.app.get(DataSource);
    calls = gw.gateway.app.get(CallsRepository);
    for (const [name, createdAt] of Object.entries(rows)) {
      // As the call factory does: the id carries created_at (to the millisecond).
      ids[name] = newId('call', new Date(createdAt.replace(' ', 'T').replace(/\+00$/, 'Z')));
      await dataSource.query(
        `INSERT INTO calls (id, status, "to", metadata, created_at) VALUES ($1, 'queued', '+14155550100', $2, $3)`,
        [ids[name], JSON.stringify({ suite }), createdAt],
      );
    }
  });
  after(() => gw.close());

  async function names(filters: { created_after?: string; created_before?: string }): Promise<string[]> {
    const page = await calls.page({ ...filters, metadata: { suite }, limit: 200 }, null);
    const byId = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
    return page.rows.map((r) => byId[r.id]).sort();
  }

  it('created_after=T excludes the whole millisecond T and keeps the next one', async () => {
    assert.deepEqual(await names({ created_after: T }), ['afterT']);
  });

  it('created_before=T keeps everything before T and nothing of T itself', async () => {
    assert.deepEqual(await names({ created_before: T }), ['lastBeforeT']);
  });

  it('created_before=T+1ms takes all of T (the millisecond the API shows as T)', async () => {
    assert.deepEqual(await names({ created_before: '2026-03-04T05:06:07.124Z' }), [
      'insideT',
      'lastBeforeT',
      'startOfT',
    ]);
  });

  it('sub-millisecond digits in a filter are dropped as the API drops them on output', async () => {
    assert.deepEqual(await names({ created_after: '2026-03-04T05:06:07.123999Z' }), ['afterT']);
  });

  it('a date-only filter is midnight UTC; the two together are an open window', async () => {
    assert.deepEqual(
      await names({ created_after: '2026-03-03', created_before: '2026-03-05' }),
      Object.keys(rows).sort(),
    );
    assert.deepEqual(
      await names({ created_after: '2026-03-04T05:06:07.122Z', created_before: '2026-03-04T05:06:07.124Z' }),
      ['insideT', 'startOfT'],
    );
  });

  it('a row whose created_at is a moment apart from its id time is still found (the id range is widened)', async () => {
    const id = newId('call', new Date('2026-03-04T05:06:07.100Z'));
    await dataSource.query(
      `INSERT INTO calls (id, status, "to", metadata, created_at) VALUES ($1, 'queued', '+14155550100', $2, $3)`,
      [id, JSON.stringify({ suite: `${suite}-skew` }), '2026-03-04 05:06:37.100+00'],
    );
    const page = (filters: { created_after?: string; created_before?: string }) =>
      calls.page({ ...filters, metadata: { suite: `${suite}-skew` } }, null).then((p) => p.rows.map((r) => r.id));
    assert.deepEqual(await page({ created_after: '2026-03-04T05:06:30Z' }), [id]);
    assert.deepEqual(await page({ created_before: '2026-03-04T05:06:30Z' }), []);
    assert.deepEqual(await page({ created_before: '2026-03-04T05:06:40Z' }), [id]);
    assert.deepEqual(await page({ created_after: '2026-03-04T05:06:38Z' }), []);
  });

  it('a call stored before ids carried created_at (its id days later) is found up to the legacy ceiling', async () => {
    // As an older version stored a call a history sync learned: id of the sync, created_at of the call.
    const id = newId('call', new Date('2026-03-20T00:00:00Z'));
    await dataSource.query(
      `INSERT INTO calls (id, status, "to", metadata, created_at) VALUES ($1, 'completed', '+14155550100', $2, $3)`,
      [id, JSON.stringify({ suite: `${suite}-legacy` }), '2026-03-01 00:00:00+00'],
    );
    const before = (ceiling: string | null) =>
      calls
        .page({ created_before: '2026-03-02T00:00:00Z', metadata: { suite: `${suite}-legacy` } }, ceiling)
        .then((p) => p.rows.map((r) => r.id));
    assert.deepEqual(await before(null), [], 'without the ceiling the id range ends before it');
    assert.deepEqual(await before(id), [id], 'the ceiling (the highest id of that time) keeps it in range');
    const [{ ceiling }] = await dataSource.query('SELECT ceiling FROM calls_legacy_ids');
    assert.equal(ceiling, null, 'a database migrated empty has no legacy ids');
  });
});

/**
 * The statements of the combinations that were slow over a million calls (bench/README.md,
 * "List over a million calls") each reach their rows through an index condition, not a filter
 * on a walk of the whole table. On a table this small a sequential scan is cheapest, so it is
 * forbidden: what is left shows whether an index can serve the predicate at all.
 */
describe('calls list: the slow combinations are served by an index (EXPLAIN)', () => {
  let gw: TestGateway;
  let dataSource: DataSource;
  const connectionId = newId('connection');
  const start = Date.parse('2026-01-01T00:00:00Z');
  const ROWS = 3_000;
  const at = (i: number) => new Date(start + i * 60_000);

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    dataSource = gw.gateway.app.get(DataSource);
    const seq = Array.from({ length: ROWS }, (_, i) => i);
    await dataSource.query(
      `INSERT INTO calls (id, status, connection_id, provider_call_id, "to", "from", created_at)
       SELECT id, 'completed', CASE WHEN n % 4 = 0 THEN $2 ELSE 'con_other' END, 'vendor-' || n,
              '+1555' || lpad(n::text, 7, '0'), '+15559990000', created_at
       FROM unnest($1::text[], $3::timestamptz[]) WITH ORDINALITY AS t(id, created_at, n)`,
      [seq.map((i) => newId('call', at(i))), connectionId, seq.map((i) => at(i).toISOString())],
    );
    // VACUUM as autovacuum would: it also merges the trigram index's pending list, which the
    // planner otherwise prices as a scan of every row inserted since.
    await dataSource.query('VACUUM ANALYZE calls, call_vendor_ids');
  });
  after(() => gw.close());

  const plan = (query: Parameters<typeof filterCalls>[0]) => listPlan(dataSource, query);

  it('created_before: a backward range scan of the primary key from the bound', async () => {
    const p = await plan({ created_before: at(1_000).toISOString() });
    assert.match(p, /Index Scan Backward using calls_pkey/, p);
    assert.match(p, /Index Cond: \(id < /, p);
  });

  it('created_after + created_before: the primary key between both bounds', async () => {
    const p = await plan({ created_after: at(1_000).toISOString(), created_before: at(1_100).toISOString() });
    assert.match(p, /Index Scan Backward using calls_pkey/, p);
    assert.match(p, /Index Cond: \(\(id >= .*\) AND \(id < .*\)\)/, p);
  });

  it('connection_id + a created window: an id range between both bounds', async () => {
    const p = await plan({
      connection_id: connectionId,
      created_after: at(1_000).toISOString(),
      created_before: at(1_100).toISOString(),
    });
    // Over a million rows it is calls_connection (connection_id, id); here the window is so
    // small that the primary key's range is as cheap. Either way the walk is only the window.
    assert.match(p, /Index Scan Backward using (calls_connection|calls_pkey)/, p);
    assert.match(p, /Index Cond: \((\(connection_id = .*\) AND )?\(id >= .*\) AND \(id < .*\)\)/, p);
  });

  /** The vendor id looked up once in call_vendor_ids' key, whose ids are then a primary key condition. */
  const vendorIdLookup = (p: string, q: string) => {
    assert.match(p, /(Index|Index Only|Bitmap Index) Scan (using|on) call_vendor_ids_pkey\b/, p);
    assert.ok(p.includes(`Index Cond: (provider_call_id = '${q}'::text)`), p);
    // PostgreSQL 17 (the embedded engine) names an InitPlan's output `(InitPlan 1).col1`, 15 `$0`.
    assert.match(p, /Index Cond: \(id = ANY \((\$0|\(InitPlan 1\)\.col1)\)\)/, p);
  };

  it('q = a vendor call id: the key of call_vendor_ids, then the primary key, and no number search', async () => {
    const p = await plan({ q: 'vendor-1234' });
    vendorIdLookup(p, 'vendor-1234');
    assert.match(p, /Index Scan( Backward)? using calls_pkey on calls\b/, p);
    assert.doesNotMatch(p, /calls_number_grams|~~/, p);
  });

  it('q = part of a number: the index of 4-digit runs of both numbers, beside the vendor id lookup', async () => {
    const p = await plan({ q: '555-000-1234' });
    vendorIdLookup(p, '555-000-1234');
    assert.match(p, /BitmapOr[\s\S]*Bitmap Index Scan on calls_pkey/, p);
    assert.match(p, /Bitmap Index Scan on calls_number_grams/, p);
    assert.match(p, /Index Cond: \(call_number_grams\("to", "from"\) @> '\{0001,1234\}'::text\[\]\)/, p);
    assert.doesNotMatch(p, /Index Scan Backward using calls_pkey/, p);
  });

  it("q = part of a number, with the runs' statistics: the rarest runs are asked for, not the shared prefix's", async () => {
    const stats = gw.gateway.app.get(NumberGramStats, { strict: false });
    await stats.refresh();
    const frequency = stats.frequency();
    assert.ok(frequency, 'ANALYZE kept statistics of the runs');
    // Every number of the fixture is +1555…, a third +1555 0001…
    assert.ok((frequency('1555') ?? 0) > 0.99, `1555: ${frequency('1555')}`);
    assert.ok((frequency('0001') ?? 0) > 0.2, `0001: ${frequency('0001')}`);
    const digits = '5550001234';
    const chosen = numberGrams(digits, frequency);
    assert.equal(chosen.length, 2);
    for (const run of chosen) assert.ok((frequency(run) ?? 0) < 0.05, `${run}: ${frequency(run)}`);
    // Without them, the tail's first run is the shared 0001.
    assert.ok(numberGrams(digits).includes('0001'));
    const page = callsPageQuery(filterCalls({ q: '555-000-1234' }, null, frequency), { limit: 20 });
    assert.ok(
      page.values.some((v) => Array.isArray(v) && v.join() === chosen.join()),
      JSON.stringify(page.values),
    );
    // The answer is the same calls either way: the runs only choose the candidates LIKE checks.
    const rowsWith = async (values: unknown[]) =>
      ((await dataSource.query(callsPageText(page.where, 'c.id', values.length), values)) as { id: string }[]).map(
        (r) => r.id,
      );
    const heuristic = callsPageQuery(filterCalls({ q: '555-000-1234' }), { limit: 20 });
    const found = await rowsWith(page.values);
    assert.deepEqual(found, await rowsWith(heuristic.values));
    assert.equal(found.length, 1);
  });
});
