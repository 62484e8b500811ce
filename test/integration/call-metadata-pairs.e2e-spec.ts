import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { filterCalls } from '../../src/calls/calls-list.query';
import { CallsRepository } from '../../src/calls/calls.repository';
import { CallMetadataPairs1764600000000 } from '../../src/database/migrations/1764600000000-call-metadata-pairs';
import { listPlan } from '../support/list-plan';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * metadata[key]=value through call_metadata_pairs (migration 1764600000000): triggers on
 * `calls` keep one entry per string value, whoever writes the row, and the list walks a
 * pair's entries newest first. Rows are written straight into `calls`, as any writer may.
 */
describe('calls list: metadata pairs', () => {
  let gw: TestGateway;
  let db: DataSource;
  let calls: CallsRepository;
  const suite = `pairs-${Date.now()}`;

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    db = gw.gateway.app.get(DataSource);
    calls = gw.gateway.app.get(CallsRepository);
  });
  after(() => gw.close());

  const insertCall = async (metadata: unknown, at = new Date()) => {
    const id = newId('call', at);
    await db.query(`INSERT INTO calls (id, status, "to", metadata) VALUES ($1, 'queued', '+14155550100', $2)`, [
      id,
      JSON.stringify(metadata),
    ]);
    return id;
  };
  /** The call's entries, each with the transaction that wrote it. */
  const entries = async (id: string) =>
    (await db.query(`SELECT pair::text, xmin::text AS written FROM call_metadata_pairs WHERE call_id = $1 ORDER BY 1`, [
      id,
    ])) as { pair: string; written: string }[];
  const pairOf = async (key: string, value: string) =>
    ((await db.query('SELECT call_metadata_pair($1, $2)::text AS p', [key, value])) as { p: string }[])[0].p;
  const listed = async (metadata: Record<string, unknown>) =>
    (await calls.page({ metadata: { suite, ...metadata } as Record<string, string>, limit: 100 }, null)).rows.map(
      (r) => r.id,
    );

  it('an insert writes one entry per string value; numbers, objects and an empty metadata none', async () => {
    const id = await insertCall({ suite, plan: 'gold', seats: 5, nested: { a: 'b' } });
    assert.deepEqual(
      (await entries(id)).map((e) => e.pair),
      [await pairOf('suite', suite), await pairOf('plan', 'gold')].sort(),
    );
    assert.deepEqual(await entries(await insertCall({})), []);
    // Metadata that is not an object (no API writes one; a direct writer might) is stored, with no entries.
    assert.deepEqual(await entries(await insertCall(['a', 'b'])), []);
    assert.deepEqual(await entries(await insertCall('plain')), []);
  });

  it('the key and the value are told apart: (ab, c) and (a, bc) are two pairs', async () => {
    assert.notEqual(await pairOf('ab', 'c'), await pairOf('a', 'bc'));
    const abc = await insertCall({ suite, ab: 'c' });
    assert.deepEqual(await listed({ ab: 'c' }), [abc]);
    assert.deepEqual(await listed({ a: 'bc' }), []);
  });

  it('an update of metadata moves only the pairs that changed; other updates leave them alone', async () => {
    const id = await insertCall({ suite, plan: 'gold', region: 'eu' });
    const before = await entries(id);
    await db.query(`UPDATE calls SET status = 'ringing' WHERE id = $1`, [id]);
    assert.deepEqual(await entries(id), before, 'an update of another column writes no entry');
    await db.query(`UPDATE calls SET metadata = $2 WHERE id = $1`, [
      id,
      JSON.stringify({ suite, plan: 'silver', region: 'eu' }),
    ]);
    const after = await entries(id);
    const writer = (list: { pair: string; written: string }[], pair: string) =>
      list.find((e) => e.pair === pair)?.written;
    assert.equal(after.length, 3);
    for (const [key, value] of [
      ['suite', suite],
      ['region', 'eu'],
    ]) {
      const pair = await pairOf(key, value);
      assert.ok(writer(before, pair));
      assert.equal(writer(after, pair), writer(before, pair), `${key} kept as written by the insert`);
    }
    const silver = writer(after, await pairOf('plan', 'silver'));
    assert.ok(silver && silver !== writer(before, await pairOf('suite', suite)), 'the new pair written by the update');
    assert.equal(writer(after, await pairOf('plan', 'gold')), undefined);
    assert.deepEqual(await listed({ plan: 'silver' }), [id]);
    assert.ok(!(await listed({ plan: 'gold' })).includes(id));
  });

  it('lists the newest first, every filter pair held, tombstones left out', async () => {
    const base = Date.now() - 60_000;
    const ids = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        await insertCall(
          { suite, team: i % 2 ? 'odd' : 'even', tier: i < 3 ? 'low' : 'high' },
          new Date(base + i * 1000),
        ),
      );
    await db.query('UPDATE calls SET deleted_at = now() WHERE id = $1', [ids[4]]);
    assert.deepEqual(await listed({ team: 'even' }), [ids[2], ids[0]]);
    assert.deepEqual(await listed({ team: 'odd', tier: 'high' }), [ids[5], ids[3]]);
    assert.deepEqual(await listed({ team: 'odd', tier: 'nothing' }), []);
  });

  it('an entry that does not match the metadata (a digest shared by two pairs) never lists a call', async () => {
    const id = await insertCall({ suite, colour: 'red' });
    await db.query('INSERT INTO call_metadata_pairs (pair, call_id) VALUES (call_metadata_pair($1, $2), $3)', [
      'colour',
      'blue',
      id,
    ]);
    assert.deepEqual(await listed({ colour: 'blue' }), []);
    assert.deepEqual(await listed({ colour: 'red' }), [id]);
  });

  it('a filter value that is not a string is answered by containment alone', async () => {
    const id = await insertCall({ suite, shape: { x: 'y' } });
    const filter = filterCalls({ metadata: { suite, shape: { x: 'y' } } as unknown as Record<string, string> });
    assert.equal(
      filter.conditions.filter((c) => c.includes('call_metadata_pairs')).length,
      1,
      filter.conditions.join(),
    );
    assert.deepEqual(await listed({ shape: { x: 'y' } }), [id]);
  });

  it('the migration fills the pairs of the calls already stored, and down() brings the GIN index back', async () => {
    const migration = new CallMetadataPairs1764600000000();
    const id = newId('call');
    const runner = db.createQueryRunner();
    try {
      await runner.startTransaction();
      await migration.down(runner);
      const [{ gin }] = await runner.query(
        `SELECT count(*)::int AS gin FROM pg_indexes WHERE tablename = 'calls' AND indexname = 'calls_metadata'`,
      );
      assert.equal(gin, 1);
      await runner.query(`INSERT INTO calls (id, status, "to", metadata) VALUES ($1, 'queued', '+14155550100', $2)`, [
        id,
        JSON.stringify({ suite, stored: 'before' }),
      ]);
      await migration.up(runner);
      await runner.commitTransaction();
    } catch (e) {
      await runner.rollbackTransaction();
      throw e;
    } finally {
      await runner.release();
    }
    assert.equal((await entries(id)).length, 2);
    assert.deepEqual(await listed({ stored: 'before' }), [id]);
  });
});

describe('calls list: metadata filters walk a pair newest first (EXPLAIN)', () => {
  let gw: TestGateway;
  let db: DataSource;
  const ROWS = 3_000;

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    db = gw.gateway.app.get(DataSource);
    const start = Date.parse('2025-06-01T00:00:00Z');
    const seq = Array.from({ length: ROWS }, (_, i) => i);
    // 300 tenants of 10 calls; two campaigns of half the calls each.
    await db.query(
      `INSERT INTO calls (id, status, "to", metadata, created_at)
       SELECT id, 'completed', '+15550000000',
              jsonb_build_object('tenant', 'ten-' || (n % 300), 'campaign', 'camp-' || (n % 2)), created_at
       FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS t(id, created_at, n)`,
      [
        seq.map((i) => newId('call', new Date(start + i * 60_000))),
        seq.map((i) => new Date(start + i * 60_000).toISOString()),
      ],
    );
    await db.query('VACUUM ANALYZE calls, call_metadata_pairs');
  });
  after(() => gw.close());

  const plan = (metadata: Record<string, string>) => listPlan(db, { metadata });

  it('a rare pair: its entries read backwards, then each call by primary key; nothing fetched to be sorted', async () => {
    const p = await plan({ tenant: 'ten-7' });
    assert.match(p, /Index Only Scan Backward using call_metadata_pairs_pkey/, p);
    assert.match(p, /Index Scan using calls_pkey on calls c/, p);
    assert.doesNotMatch(p, /Sort|Bitmap Heap Scan/, p);
  });

  it('two pairs: still an ordered walk, never the matches of either gathered and sorted', async () => {
    const p = await plan({ campaign: 'camp-1', tenant: 'ten-7' });
    assert.match(p, /call_metadata_pairs_pkey/, p);
    assert.doesNotMatch(p, /Sort|Bitmap Heap Scan|Hash/, p);
  });
});
