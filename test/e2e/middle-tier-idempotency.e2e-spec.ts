import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * The idempotency service against real PostgreSQL, below the HTTP layer (the HTTP behaviour
 * has its own suite, test/e2e/idempotency.e2e-spec.ts): who wins a key when requests race,
 * when a key may be taken over and resumed, and what is stored. Lease expiry and the 24-hour
 * window are moved by rewriting the row's times, not by waiting for them.
 */
describe('middle tier: idempotency service', () => {
  let gw: TestGateway;
  let service: IdempotencyService;
  let db: DataSource;
  let counter = 0;
  const owner = 'key_middle_tier';
  const freshKey = () => `mt-${process.pid}-${counter++}`;

  const codeOf = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
      return 'ok';
    } catch (e) {
      if (e instanceof GatewayError) return e.code;
      throw e;
    }
  };
  const row = async (key: string) =>
    (
      await db.query(
        `SELECT state, call_ids, response_body, lease_until FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`,
        [owner, key],
      )
    )[0];
  const expireLease = (key: string) =>
    db.query(
      `UPDATE idempotency_keys SET lease_until = now() - interval '1 second' WHERE api_key_id = $1 AND key = $2`,
      [owner, key],
    );

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    service = gw.gateway.app.get(IdempotencyService);
    db = gw.gateway.app.get(DataSource);
  });
  after(() => gw.close());

  it('of ten concurrent first requests with one key exactly one wins; the rest see it in progress', async () => {
    const key = freshKey();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => codeOf(service.begin(owner, key, 'hash-a'))));
    assert.equal(outcomes.filter((o) => o === 'ok').length, 1, JSON.stringify(outcomes));
    assert.equal(outcomes.filter((o) => o === 'idempotency_in_progress').length, 9, JSON.stringify(outcomes));
    assert.equal((await row(key)).state, 'in_progress');
  });

  it('the same key with another request is refused whatever state the key is in', async () => {
    const key = freshKey();
    assert.deepEqual(await service.begin(owner, key, 'hash-a'), { kind: 'new' });
    assert.equal(await codeOf(service.begin(owner, key, 'hash-b')), 'idempotency_key_reused');
    await service.complete(owner, key, 201, { id: 'x' });
    assert.equal(await codeOf(service.begin(owner, key, 'hash-b')), 'idempotency_key_reused');
  });

  it('a completed key replays the stored response, sealed at rest', async () => {
    const key = freshKey();
    await service.begin(owner, key, 'hash-a');
    const body = { id: 'whk_1', secret: 'whsec_shown_once_middle_tier' };
    await service.complete(owner, key, 201, body);
    assert.deepEqual(await service.begin(owner, key, 'hash-a'), { kind: 'replay', status: 201, body });
    const stored = await row(key);
    assert.equal(stored.state, 'done');
    assert.equal(stored.lease_until, null);
    assert.ok(
      !JSON.stringify(stored.response_body).includes('whsec_shown_once_middle_tier'),
      'the first response is not stored in the clear',
    );
  });

  it('a live lease is never taken over; renewing keeps it live', async () => {
    const key = freshKey();
    await service.begin(owner, key, 'hash-a');
    assert.equal(await codeOf(service.begin(owner, key, 'hash-a')), 'idempotency_in_progress');
    await expireLease(key);
    await service.renew(owner, key);
    assert.ok(new Date((await row(key)).lease_until).getTime() > Date.now(), 'renew moved the lease into the future');
    assert.equal(await codeOf(service.begin(owner, key, 'hash-a')), 'idempotency_in_progress');
  });

  it('after the lease runs out exactly one of several racing retries takes the key over, with the calls recorded so far', async () => {
    const key = freshKey();
    await service.begin(owner, key, 'hash-a');
    const claim = { owner, key, resume: null, successStatus: 201 };
    await db.transaction((tx) => service.recordCall(tx, claim, 0, 'call_first'));
    await db.transaction((tx) => service.recordCall(tx, claim, 1, 'call_second'));
    await expireLease(key);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => service.begin(owner, key, 'hash-a').catch((e: GatewayError) => e.code)),
    );
    const resumed = outcomes.filter((o) => typeof o === 'object');
    assert.equal(resumed.length, 1, JSON.stringify(outcomes));
    assert.deepEqual(resumed[0], { kind: 'resume', callIds: { '0': 'call_first', '1': 'call_second' } });
    assert.deepEqual(
      outcomes.filter((o) => typeof o !== 'object'),
      Array(5).fill('idempotency_in_progress'),
    );
  });

  it('a call recorded in a transaction that rolls back is not on the key', async () => {
    const key = freshKey();
    await service.begin(owner, key, 'hash-a');
    const claim = { owner, key, resume: null, successStatus: 201 };
    await assert.rejects(
      db.transaction(async (tx) => {
        await service.recordCall(tx, claim, 0, 'call_rolled_back');
        throw new Error('the insert of the call failed');
      }),
      /the insert of the call failed/,
    );
    assert.deepEqual((await row(key)).call_ids, {});
  });

  it('release frees only a key still in progress, and a key older than the window is free again', async () => {
    const key = freshKey();
    await service.begin(owner, key, 'hash-a');
    await service.release(owner, key);
    assert.equal(await row(key), undefined);
    assert.deepEqual(
      await service.begin(owner, key, 'hash-b'),
      { kind: 'new' },
      'a released key takes a corrected request',
    );

    await service.complete(owner, key, 200, { ok: true });
    await service.release(owner, key);
    assert.equal((await row(key)).state, 'done', 'a completed key stays to be replayed');

    await db.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE api_key_id = $1 AND key = $2`,
      [owner, key],
    );
    assert.deepEqual(
      await service.begin(owner, key, 'hash-c'),
      { kind: 'new' },
      'past 24 h the key may carry a new request',
    );
    const taken = await row(key);
    assert.equal(taken.state, 'in_progress');
    assert.deepEqual(taken.call_ids, {}, 'nothing of the expired request is resumed');
    assert.equal(taken.response_body, null, 'nor replayed');
  });

  it('of ten concurrent requests for an expired key exactly one takes it over', async () => {
    const key = freshKey();
    await service.begin(owner, key, 'hash-a');
    await service.complete(owner, key, 201, { first: true });
    await db.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE api_key_id = $1 AND key = $2`,
      [owner, key],
    );
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => codeOf(service.begin(owner, key, 'hash-b'))));
    assert.equal(outcomes.filter((o) => o === 'ok').length, 1, JSON.stringify(outcomes));
    assert.equal(outcomes.filter((o) => o === 'idempotency_in_progress').length, 9, JSON.stringify(outcomes));
  });

  it('keys are per gateway key', async () => {
    const key = freshKey();
    assert.deepEqual(await service.begin(owner, key, 'hash-a'), { kind: 'new' });
    assert.deepEqual(await service.begin('key_someone_else', key, 'hash-b'), { kind: 'new' });
  });
});
