import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@switchboard/core';
import { pollUntil } from '@switchboard/simulators/testing';
import { DataSource, QueryFailedError } from 'typeorm';
import { CallsRepository } from '../../src/calls/calls.repository';
import { CallVendorIds1764350000000 } from '../../src/database/migrations/1764350000000-call-vendor-ids';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, VENDORS } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * A create's vendor answer leaves every indexed column of `calls` as the create's insert
 * wrote it, so Postgres updates the row in place (HOT) and writes no index entry for it
 * (migration 1764350000000). The vendor id's uniqueness and lookups moved to call_vendor_ids,
 * kept by triggers: checked here against direct writes of `calls`, as any writer may do them.
 */
describe('the create answer is a HOT update; vendor ids in call_vendor_ids', () => {
  let gw: TestGateway;
  let api: Api;
  let sandbox: Sandbox;
  let db: DataSource;
  let calls: CallsRepository;
  let dialed = 0;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
    // Calls stay ringing and send no webhooks: the answer is the only update each call gets.
    await configureSimulators(sandbox, { ring_ms: 3_600_000, webhooks: 'drop' });
    db = gw.gateway.app.get(DataSource);
    calls = gw.gateway.app.get(CallsRepository);
  });
  after(() => gw.close());

  const tableStats = async () =>
    (
      await db.query(
        `SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relname = 'calls'`,
      )
    )[0] as { updated: number; hot: number };

  /** A call row as the API never shows it, written straight into `calls`. */
  const insertCall = (connectionId: string | null, providerCallId: string | null) => {
    const id = newId('call');
    return db
      .query(
        `INSERT INTO calls (id, status, connection_id, provider_call_id, "to") VALUES ($1, 'queued', $2, $3, '+14155550100')`,
        [id, connectionId, providerCallId],
      )
      .then(() => id);
  };
  const refusal = (e: unknown) =>
    e instanceof QueryFailedError &&
    (e.driverError as { code?: string; constraint?: string }).code === '23505' &&
    (e.driverError as { constraint?: string }).constraint === 'call_vendor_ids_pkey';

  it('creates through the gateway: an answer that leaves the call queued is a heap-only row version, counted as HOT', async (t) => {
    if (gw.database.kind !== 'postgres') {
      // The embedded engine has no statistics collector to read HOT updates from; CI runs this on real PostgreSQL.
      t.diagnostic('embedded database: HOT updates are read from real PostgreSQL only');
      return;
    }
    const before = await tableStats();
    const vendorOf = new Map<string, string>();
    for (const vendor of VENDORS)
      for (let i = 0; i < 5; i++) {
        const res = await api.post('/v1/calls', {
          agent_id: sandbox.agentId,
          provider: sandbox.vendors[vendor].connectionId,
          to: `+1415555${String(2000 + dialed++)}`,
        });
        assert.equal(res.status, 201, res.text);
        assert.ok(res.body.provider_call_id, `${vendor} answered with its id`);
        vendorOf.set(res.body.id, vendor);
      }
    const ids = [...vendorOf.keys()];
    const stored: { id: string; status: string }[] = await db.query('SELECT id, status FROM calls WHERE id = ANY($1)', [
      ids,
    ]);
    // HMS Sovereign answers a create as dialing, which is `ringing`: status is indexed
    // (calls_status), so that answer is not HOT. The other vendors' answers leave it queued.
    const queued = new Set(stored.filter((r) => r.status === 'queued').map((r) => r.id));
    assert.deepEqual(
      ids.filter((id) => !queued.has(id)).map((id) => vendorOf.get(id)),
      Array(5).fill('hmsovereign'),
    );

    const [{ available }] = await db.query(
      `SELECT count(*)::int AS available FROM pg_available_extensions WHERE name = 'pageinspect'`,
    );
    if (available) {
      // The version each call reads as now: HEAP_ONLY_TUPLE (0x8000) marks one reached through
      // a HOT chain, which no index entry points at.
      await db.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
      const rows: { id: string; heap_only: boolean }[] = await db.query(
        `SELECT c.id, (h.t_infomask2 & 32768) <> 0 AS heap_only
         FROM calls c, heap_page_items(get_raw_page('calls', (c.ctid::text::point)[0]::int)) h
         WHERE c.id = ANY($1) AND h.lp = (c.ctid::text::point)[1]::int`,
        [ids],
      );
      assert.equal(rows.length, ids.length);
      assert.deepEqual(
        rows.filter((r) => r.heap_only !== queued.has(r.id)).map((r) => ({ ...r, vendor: vendorOf.get(r.id) })),
        [],
        'heap-only exactly where the answer left the indexed columns as they were',
      );
    } else t.diagnostic('pageinspect is not installed: the statistics view alone is checked');

    // Statistics reach the view when the gateway's backends flush them (at most ~10 s idle).
    const after = await pollUntil(tableStats, (s) => s.updated - before.updated >= ids.length, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: `${ids.length} updates of calls in pg_stat_user_tables`,
    });
    assert.equal(after.updated - before.updated, ids.length, 'one update per create: the answer');
    assert.equal(after.hot - before.hot, queued.size, 'HOT: each answer that left the call queued');
  });

  it('a vendor id is one call per connection: a second insert or update claiming it is refused (23505)', async () => {
    const [one, two] = [sandbox.vendors.kalem.connectionId, sandbox.vendors.klen.connectionId];
    const vendorId = `dup-${newId('call')}`;
    const first = await insertCall(one, vendorId);
    await assert.rejects(insertCall(one, vendorId), refusal);
    const count = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM calls WHERE provider_call_id = $1`, [vendorId]))[0].n;
    assert.equal(await count(), 1, 'the refused insert wrote no call');

    const other = await insertCall(one, null);
    await assert.rejects(db.query('UPDATE calls SET provider_call_id = $2 WHERE id = $1', [other, vendorId]), refusal);
    assert.equal(await count(), 1, 'the refused update left the call without the vendor id');

    const elsewhere = await insertCall(two, vendorId);
    assert.equal(await calls.idByProviderCallId(db.manager, one, vendorId), first);
    assert.equal(await calls.idByProviderCallId(db.manager, two, vendorId), elsewhere);
    assert.deepEqual(
      await calls.knownProviderCallIds(db.manager, one, [vendorId, 'unknown'], other),
      new Set([vendorId]),
    );
    assert.deepEqual(await calls.knownProviderCallIds(db.manager, one, [vendorId], first), new Set());
  });

  it('a changed vendor id or connection moves the call’s entry; a call without a connection has none', async () => {
    const [one, two] = [sandbox.vendors.kalem.connectionId, sandbox.vendors.klen.connectionId];
    const old = `old-${newId('call')}`;
    const renamed = `new-${newId('call')}`;
    const id = await insertCall(one, old);
    await db.query('UPDATE calls SET provider_call_id = $2 WHERE id = $1', [id, renamed]);
    assert.equal(await calls.idByProviderCallId(db.manager, one, old), null);
    assert.equal(await calls.idByProviderCallId(db.manager, one, renamed), id);
    // The old id is free again on that connection.
    const reuse = await insertCall(one, old);
    assert.equal(await calls.idByProviderCallId(db.manager, one, old), reuse);

    await db.query('UPDATE calls SET connection_id = $2 WHERE id = $1', [id, two]);
    assert.equal(await calls.idByProviderCallId(db.manager, one, renamed), null);
    assert.equal(await calls.idByProviderCallId(db.manager, two, renamed), id);

    const unplaced = await insertCall(null, `none-${newId('call')}`);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM call_vendor_ids WHERE call_id = $1`, [unplaced]);
    assert.equal(n, 0);
  });

  it('the migration backfills the vendor ids of calls stored before it, and down() restores the index', async () => {
    const migration = new CallVendorIds1764350000000();
    const vendorId = `before-${newId('call')}`;
    const id = newId('call');
    // The embedded engine has one connection: the runner gives it back before the checks.
    const runner = db.createQueryRunner();
    try {
      await runner.startTransaction();
      await migration.down(runner);
      await runner.query(
        `INSERT INTO calls (id, status, connection_id, provider_call_id, "to") VALUES ($1, 'queued', $2, $3, '+14155550100')`,
        [id, sandbox.vendors.kalem.connectionId, vendorId],
      );
      const [{ indexed }] = await runner.query(
        `SELECT count(*)::int AS indexed FROM pg_indexes WHERE tablename = 'calls' AND indexname = 'calls_provider_call'`,
      );
      assert.equal(indexed, 1, 'down() brings calls_provider_call back');
      await migration.up(runner);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    assert.equal(await calls.idByProviderCallId(db.manager, sandbox.vendors.kalem.connectionId, vendorId), id);
    const [{ options }] = await db.query(`SELECT reloptions AS options FROM pg_class WHERE relname = 'calls'`);
    assert.deepEqual(options, ['fillfactor=85']);
  });
});
