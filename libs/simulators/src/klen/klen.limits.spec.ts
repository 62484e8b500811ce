import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { pollUntil } from '../testing';
import { KLEN_PARTNER_API_KEY, KLEN_READ_ONLY_API_KEY, startKlenSimulator } from './index';
import { ERROR_EXAMPLE, RATE_LIMITED_EXAMPLE as RATE_LIMITED, shapeOf } from './klen.doc-examples';
import type { KlenResponse } from './klen.test-support';
import { klenClient } from './klen.test-support';

function assertRateLimited(response: KlenResponse): number {
  assert.equal(response.status, 429);
  assert.deepEqual(response.body, RATE_LIMITED);
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${response.headers.get('retry-after')}`);
  // Klen documents no X-RateLimit-* headers.
  assert.equal([...response.headers.keys()].filter((h) => h.startsWith('x-ratelimit')).length, 0);
  return retryAfter;
}

function secondsToUtcMidnight(): number {
  const now = Date.now();
  return (86_400_000 - (now % 86_400_000)) / 1000;
}

describe('Klen simulator rate limits and faults', () => {
  let sim: RunningSimulator;
  let k: ReturnType<typeof klenClient>;

  before(async () => {
    sim = await startKlenSimulator({ speed: 200 });
    k = klenClient(sim);
  });
  after(() => sim.close());
  beforeEach(async () => {
    await k.control('/__sim/reset');
    await k.control('/__sim/scenario', { ring_ms: 1_000, talk_ms: 5_000 });
  });

  it('allows 60 requests per minute per key, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 60; i++) assert.equal((await k.api('/api/v1/calls')).status, 200, `request ${i + 1}`);
    const limited = await k.api('/api/v1/calls');
    assert.ok(assertRateLimited(limited) <= 60);
    assertRateLimited(await k.createCall({ phone_number: '+15550004444', agent_id: 12 }));
    // Per key: another key of the account is unaffected.
    assert.equal((await k.api('/api/v1/calls', { key: KLEN_READ_ONLY_API_KEY })).status, 200);
    await k.control('/__sim/config', { rate_limits: false });
    assert.equal((await k.api('/api/v1/calls')).status, 200);
  });

  it('allows 100 initiated calls per day per key, then answers 429 until 00:00 UTC', async () => {
    const call = { phone_number: '+15550004444', agent_id: 12 };
    // Rejected requests do not use up the quota.
    assert.equal((await k.createCall({ agent_id: 12 }, KLEN_PARTNER_API_KEY)).status, 400);
    for (let i = 0; i < 100; i++)
      assert.equal((await k.createCall(call, KLEN_PARTNER_API_KEY)).status, 201, `call ${i + 1}`);
    const limited = await k.createCall(call, KLEN_PARTNER_API_KEY);
    const retryAfter = assertRateLimited(limited);
    assert.ok(Math.abs(retryAfter - secondsToUtcMidnight()) <= 5, `Retry-After ${retryAfter}`);
    // Reads still pass; the daily cap is on initiated calls only.
    assert.equal((await k.api('/api/v1/calls', { key: KLEN_PARTNER_API_KEY })).status, 200);
    assert.equal((await k.dialed()).length, 100);
    await k.control('/__sim/reset');
    assert.equal((await k.createCall(call, KLEN_PARTNER_API_KEY)).status, 201);
  });

  it('answers injected errors in the Klen envelope with the matching code', async () => {
    const expected: [number, string][] = [
      [500, 'server_error'],
      [503, 'server_error'],
      [402, 'insufficient_funds'],
      [404, 'not_found'],
    ];
    for (const [status, error] of expected) {
      await k.control('/__sim/faults', { mode: 'error', status, count: 1 });
      const response = await k.createCall({ phone_number: '+15550004444', agent_id: 12 });
      assert.equal(response.status, status);
      assert.deepEqual(shapeOf(response.body), shapeOf(ERROR_EXAMPLE));
      assert.equal(response.body.error, error);
    }
    assert.equal((await k.api('/api/v1/calls')).status, 200, 'count: 1 clears the fault');
    await k.control('/__sim/faults', { mode: 'rate_limit', count: 1 });
    assertRateLimited(await k.api('/api/webhooks/create/', { method: 'POST', body: {} }));
    assert.equal((await k.dialed()).length, 0);
  });

  it('places the call although the client sees a reset (after_create)', async () => {
    await k.control('/__sim/faults', { mode: 'reset', after_create: true, count: 1 });
    const request = { phone_number: '+15550004444', agent_id: 'assistant_777', variables: { attempt: 1 } };
    await assert.rejects(k.createCall(request));
    const [call] = await k.dialed();
    assert.deepEqual(call.request, request);
    const detail = await pollUntil(
      () => k.api(`/api/v1/calls/${call.call_id}`),
      (r) => r.body.status === 'completed',
      { intervalMs: 50 },
    );
    assert.equal(detail.body.id, call.id);
  });
});
