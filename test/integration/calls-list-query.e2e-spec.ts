import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@switchboard/core';
import type { Repository } from 'typeorm';
import { DataSource } from 'typeorm';
import { CallEntity } from '../../src/calls/call.entity';
import { filterCalls, listCalls } from '../../src/calls/calls-list.query';
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
  let calls: Repository<CallEntity>;
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
    calls = dataSource.getRepository(CallEntity);
    for (const [name, createdAt] of Object.entries(rows)) {
      ids[name] = newId('call');
      await dataSource.query(
        `INSERT INTO calls (id, status, "to", metadata, created_at) VALUES ($1, 'queued', '+14155550100', $2, $3)`,
        [ids[name], JSON.stringify({ suite }), createdAt],
      );
    }
  });
  after(() => gw.close());

  async function names(filters: { created_after?: string; created_before?: string }): Promise<string[]> {
    const page = await listCalls(calls, { ...filters, metadata: { suite }, limit: 200 });
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

  it('the created_at index serves both bounds (EXPLAIN)', async () => {
    const qb = filterCalls(calls, { created_after: '2026-03-01', created_before: '2026-03-02' })
      .orderBy('c.id', 'DESC')
      .limit(51);
    const [sql, params] = qb.getQueryAndParameters();
    const plan = await dataSource.transaction(async (tx) => {
      // With a table this small a sequential scan is cheapest; forbidding it shows whether the
      // index can serve the predicate at all (it cannot when the column is wrapped in a function).
      await tx.query('SET LOCAL enable_seqscan = off');
      const explained: Array<{ 'QUERY PLAN': string }> = await tx.query(`EXPLAIN ${sql}`, params);
      return explained.map((line) => line['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /Index (Only )?Scan using calls_created_at|Bitmap Index Scan on calls_created_at/, plan);
    assert.match(plan, /Index Cond: \(\(c?\.?created_at >= .*\) AND \(c?\.?created_at < .*\)\)/, plan);
  });
});
