import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, newId } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { pollUntil } from '@switchboard/simulators/testing';
import { newCallEntity } from '../../src/calls/call-factory';
import type { CallEntity } from '../../src/calls/call.entity';
import { CallsRepository } from '../../src/calls/calls.repository';
import { EventLogRepository } from '../../src/events/event-log.repository';
import { CallLedger } from '../../src/ledger/call-ledger';
import type { Observation } from '../../src/ledger/observation';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * The call ledger against real PostgreSQL: the one unit of work every call change goes
 * through. The merge rules are pure and have unit specs (src/ledger/call-merge.spec.ts);
 * these check what only the database shows: concurrent changes to one call serialize on its
 * row lock without losing any, the events appended match the changes and commit or roll
 * back with them, and a deleted call stays deleted.
 */
describe('middle tier: call ledger', () => {
  let gw: TestGateway;
  let db: DataSource;
  let ledger: CallLedger;
  let events: EventLogRepository;
  let counter = 0;

  const observation = (change: Partial<Observation>, at = new Date()): Observation => ({
    source: 'webhook',
    vendorEventType: 'status-update',
    occurredAt: at,
    receivedAt: at,
    ...change,
  });
  /** A queued call opened through the ledger, as a create would; no connection, so nothing is dialed. */
  const openCall = async (): Promise<CallEntity> => {
    const call = newCallEntity({
      direction: 'outbound',
      provider: 'kalem',
      connectionId: null,
      agentId: null,
      to: `+1555032${String(1000 + counter++).slice(-4)}`,
      from: null,
    });
    await db.transaction((tx) =>
      ledger.open(tx, call, { source: 'create', vendorEventType: null, occurredAt: null, receivedAt: call.createdAt }),
    );
    return call;
  };
  const apply = (callId: string, change: Observation) => db.transaction((tx) => ledger.apply(tx, callId, change));
  const stored = async (callId: string) =>
    (
      await db.query('SELECT status, "from", duration_seconds, attempts, provider_call_id FROM calls WHERE id = $1', [
        callId,
      ])
    )[0];
  const typesOf = async (callId: string) => (await events.forCall(callId)).map((e) => e.type);

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    db = gw.gateway.app.get(DataSource);
    ledger = gw.gateway.app.get(CallLedger);
    events = gw.gateway.app.get(EventLogRepository);
  });
  after(() => gw.close());

  it('twenty concurrent changes to one call all land: none overwrites another', async () => {
    const call = await openCall();
    const n = 20;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        apply(
          call.id,
          observation({
            source: 'create',
            attempt: {
              connection_id: `con_${i}`,
              provider: 'kalem',
              outcome: 'failed',
              error_code: 'vendor_500',
              at: new Date().toISOString(),
            },
          }),
        ),
      ),
    );
    const attempts: { connection_id: string }[] = (await stored(call.id)).attempts;
    assert.equal(attempts.length, n);
    assert.deepEqual(new Set(attempts.map((a) => a.connection_id)).size, n);
    const logged = await events.forCall(call.id);
    assert.deepEqual(
      logged.map((e) => e.type),
      ['call.created', ...Array(n).fill('call.attempt_failed')],
    );
    // Each event's snapshot was taken under the row lock, so the k-th shows k attempts.
    assert.deepEqual(
      logged.slice(1).map((e) => (e.data.call as { attempts: unknown[] }).attempts.length),
      Array.from({ length: n }, (_, i) => i + 1),
    );
  });

  it('status only moves forward: a late lower report and a report after the end change nothing', async () => {
    const call = await openCall();
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000);
    await apply(
      call.id,
      observation({ vendor: { providerCallId: `v-${call.id}`, status: 'in_progress', providerStatus: 'live' } }, at(2)),
    );
    await apply(
      call.id,
      observation({ vendor: { providerCallId: `v-${call.id}`, status: 'ringing', providerStatus: 'ringing' } }, at(1)),
    );
    assert.equal((await stored(call.id)).status, 'in_progress');
    await apply(
      call.id,
      observation(
        {
          vendor: {
            providerCallId: `v-${call.id}`,
            status: 'completed',
            providerStatus: 'done',
            endedAt: at(3).toISOString(),
          },
        },
        at(3),
      ),
    );
    await apply(
      call.id,
      observation({ vendor: { providerCallId: `v-${call.id}`, status: 'in_progress', providerStatus: 'live' } }, at(4)),
    );
    assert.equal((await stored(call.id)).status, 'completed');
    const logged = await events.forCall(call.id);
    assert.deepEqual(
      logged.map((e) => [e.type, e.data.previous_status ?? null]),
      [
        ['call.created', null],
        ['call.in_progress', 'queued'],
        ['call.completed', 'in_progress'],
      ],
    );
    const sequences = logged.map((e) => e.sequence);
    assert.deepEqual(
      [...sequences].sort((a, b) => a - b),
      sequences,
      'the log reads in the order the changes were made',
    );
  });

  it('a stale report fills what is still empty and never overwrites a newer fact', async () => {
    const call = await openCall();
    const now = Date.now();
    await apply(
      call.id,
      observation(
        { vendor: { providerCallId: `v-${call.id}`, status: 'in_progress', from: '+15550100001' } },
        new Date(now),
      ),
    );
    await apply(
      call.id,
      observation(
        { vendor: { providerCallId: `v-${call.id}`, from: '+15550100999', durationSeconds: 42 } },
        new Date(now - 60_000),
      ),
    );
    const row = await stored(call.id);
    assert.equal(row.from, '+15550100001', 'the older report does not replace the caller id');
    assert.equal(row.duration_seconds, 42, 'but fills the duration nobody had reported');
  });

  it('a change whose transaction rolls back leaves neither the change nor its events', async () => {
    const call = await openCall();
    await assert.rejects(
      db.transaction(async (tx) => {
        await ledger.apply(tx, call.id, observation({ vendor: { providerCallId: `v-${call.id}`, status: 'ringing' } }));
        throw new Error('the caller failed after the ledger wrote');
      }),
      /the caller failed/,
    );
    const row = await stored(call.id);
    assert.equal(row.status, 'queued');
    assert.equal(row.provider_call_id, null);
    assert.deepEqual(await typesOf(call.id), ['call.created']);
  });

  it('an unknown call is not found; a deleted call ignores later reports and logs nothing more', async () => {
    await assert.rejects(apply(newId('call'), observation({ vendor: { status: 'ringing' } })), NotFoundError);

    const call = await openCall();
    await db.transaction((tx) => ledger.delete(tx, call.id, new Date()));
    const after = await apply(
      call.id,
      observation({ vendor: { providerCallId: `v-${call.id}`, status: 'completed' } }),
    );
    assert.ok(after.deletedAt, 'the tombstone comes back');
    const row = await stored(call.id);
    assert.equal(row.status, 'queued');
    assert.equal(row.provider_call_id, null);
    assert.deepEqual(await typesOf(call.id), ['call.created', 'call.deleted']);
    await assert.rejects(
      db.transaction((tx) => ledger.delete(tx, call.id, new Date())),
      NotFoundError,
    );
  });

  describe('a create’s vendor answer in one statement (applyIfUnchanged)', () => {
    let connectionId: string;
    /** A call opened on a connection (a disabled row of this test's own, so nothing dials it). */
    const openPlaced = async (): Promise<CallEntity> => {
      const call = newCallEntity({
        direction: 'outbound',
        provider: 'kalem',
        connectionId,
        agentId: null,
        to: `+1555033${String(1000 + counter++).slice(-4)}`,
        from: null,
      });
      await ledger.open(db.manager, call, {
        source: 'create',
        vendorEventType: null,
        occurredAt: null,
        receivedAt: call.createdAt,
      });
      return call;
    };
    const answer = (call: CallEntity): Observation => ({
      source: 'create',
      vendorEventType: null,
      occurredAt: null,
      receivedAt: new Date(),
      vendor: { providerCallId: `v-${call.id}`, status: 'queued' },
      attempt: {
        connection_id: connectionId,
        provider: 'kalem',
        outcome: 'created',
        error_code: null,
        at: new Date().toISOString(),
      },
    });
    const parkWebhook = (q: { query: DataSource['query'] }, providerCallId: string) =>
      q.query(
        `INSERT INTO inbound_webhooks (id, connection_id, provider, dedup_key, event_type, provider_call_id, received_at, headers, body, state)
         VALUES ($1, $2, 'kalem', $1, 'call.ringing', $3, now(), '{}', decode('00', 'hex'), 'pending')`,
        [newId('event'), connectionId, providerCallId],
      );

    /** Until some statement of this database waits for an advisory lock. */
    const advisoryLockWaited = (what: string) =>
      pollUntil(
        async () =>
          (
            await db.query(
              `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            )
          )[0].waiting,
        (waiting: number) => waiting > 0,
        { what },
      );

    before(async () => {
      connectionId = newId('connection');
      await db.query(
        `INSERT INTO provider_connections (id, provider, name, credentials_encrypted, enabled) VALUES ($1, 'kalem', 'ledger test', 'x', false)`,
        [connectionId],
      );
    });

    it('writes the answer, its attempt and its event when nothing else touched the call', async () => {
      const call = await openPlaced();
      const placed = await ledger.applyIfUnchanged(db.manager, call, answer(call));
      assert.ok(placed, 'the one-statement path was taken');
      assert.equal(placed.providerCallId, `v-${call.id}`);
      const row = await stored(call.id);
      assert.equal(row.provider_call_id, `v-${call.id}`);
      assert.deepEqual(
        row.attempts.map((a: any) => a.outcome),
        ['created'],
      );
      assert.equal(call.providerCallId, null, 'the entity the caller holds is not changed behind its back');
    });

    it('writes nothing when the call changed since this process stored it', async () => {
      const call = await openPlaced();
      await apply(
        call.id,
        observation({ source: 'gateway', warnings: [{ field: 'x', message: 'changed meanwhile' }] }),
      );
      const before = await typesOf(call.id);
      assert.equal(await ledger.applyIfUnchanged(db.manager, call, answer(call)), null);
      assert.equal((await stored(call.id)).provider_call_id, null);
      assert.deepEqual(await typesOf(call.id), before, 'no event either');
    });

    it('writes nothing when a webhook of the vendor call waits, even one committed while the statement waited for the lock', async (t) => {
      // Parked before: the statement's own snapshot sees it.
      const early = await openPlaced();
      await parkWebhook(db, `v-${early.id}`);
      assert.equal(await ledger.applyIfUnchanged(db.manager, early, answer(early)), null);
      assert.equal((await stored(early.id)).provider_call_id, null);

      if (gw.database.kind !== 'postgres') {
        // The embedded engine serves one connection at a time: no ingest can hold the lock meanwhile.
        t.diagnostic('embedded database: one connection, nothing to race');
        return;
      }
      // Parked by a webhook ingest that holds the vendor-id lock when the statement starts and
      // commits while the statement waits: only a snapshot taken after the lock sees it.
      const late = await openPlaced();
      const ingest = db.createQueryRunner();
      await ingest.connect();
      try {
        await ingest.startTransaction();
        await ingest.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`call:v-${late.id}`]);
        await parkWebhook(ingest, `v-${late.id}`);
        const write = ledger.applyIfUnchanged(db.manager, late, answer(late));
        // Wait until the statement is queued behind the ingest's lock.
        await advisoryLockWaited('the statement to wait for the vendor-id lock');
        await ingest.commitTransaction();
        assert.equal(await write, null, 'the webhook committed during the wait is seen');
      } finally {
        await ingest.release();
      }
      assert.equal((await stored(late.id)).provider_call_id, null);
    });

    it('webhook ingest finds the call whose answer committed while its statement waited for the lock, and locks its newest row', async (t) => {
      const calls = gw.gateway.app.get(CallsRepository);
      const find = (call: CallEntity) =>
        db.transaction((tx) =>
          calls.lockByVendorId(
            tx,
            { lockKey: `call:v-${call.id}`, connectionId, providerCallId: `v-${call.id}` },
            { ctes: 'gate AS (SELECT 1)', name: 'gate', params: [] },
          ),
        );
      // Answered before: found at once.
      const early = await openPlaced();
      assert.ok(await ledger.applyIfUnchanged(db.manager, early, answer(early)));
      const found = await find(early);
      assert.equal(found.callId, early.id);
      assert.equal(found.call?.providerCallId, `v-${early.id}`);
      // Not answered yet: gated, nothing found, the lock still taken.
      const unknown = await openPlaced();
      assert.deepEqual(await find(unknown), { gated: true, callId: null, call: null });
      // A gate without a row: no lookup at all.
      const none = await db.transaction((tx) =>
        calls.lockByVendorId(
          tx,
          { lockKey: 'call:v-none', connectionId, providerCallId: 'v-none' },
          { ctes: 'gate AS (SELECT 1 WHERE false)', name: 'gate', params: [] },
        ),
      );
      assert.deepEqual(none, { gated: false, callId: null, call: null });

      if (gw.database.kind !== 'postgres') {
        t.diagnostic('embedded database: one connection, nothing to race');
        return;
      }
      // The answer holds the vendor-id lock when the lookup starts and commits the vendor id
      // while it waits: only a lookup after the lock finds it, and only a row lock that reads
      // the newest version sees the answer's write.
      const late = await openPlaced();
      const answering = db.createQueryRunner();
      await answering.connect();
      try {
        await answering.startTransaction();
        await answering.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`call:v-${late.id}`]);
        await answering.query('UPDATE calls SET provider_call_id = $2, connection_id = $3 WHERE id = $1', [
          late.id,
          `v-${late.id}`,
          connectionId,
        ]);
        const lookup = find(late);
        await advisoryLockWaited('the lookup to wait for the vendor-id lock');
        await answering.commitTransaction();
        const seen = await lookup;
        assert.equal(seen.callId, late.id, 'the vendor id committed during the wait is found');
        assert.equal(seen.call?.providerCallId, `v-${late.id}`, 'the row as the answer left it');
      } finally {
        await answering.release();
      }
    });
  });
});
