import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, newId } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { newCallEntity } from '../../src/calls/call-factory';
import type { CallEntity } from '../../src/calls/call.entity';
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
});
