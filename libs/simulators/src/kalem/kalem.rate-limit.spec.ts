import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { FixedWindowLimiter } from '../common';
import { KALEM_RATE_WINDOWS, startKalemSimulator } from './index';
import { BASE_CREATE, KalemApi } from './kalem.test-support';

describe('Kalem simulator: rate limits (60/min and 1,000/h per token)', () => {
  let sim: RunningSimulator;
  let api: KalemApi;

  before(async () => {
    sim = await startKalemSimulator({ speed: 200 });
    api = new KalemApi(sim);
  });
  after(() => sim.close());

  it('sends X-RateLimit-* on every authenticated response, then 429 "Too Many Attempts." with Retry-After', async () => {
    const sentAt = Date.now();
    const first = await api.create(BASE_CREATE);
    // The minute window opens with the first request; Reset is its end in epoch seconds.
    const earliest = Math.ceil((sentAt + 60_000) / 1000);
    const latest = Math.ceil((Date.now() + 60_000) / 1000);
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    assert.ok(reset >= earliest && reset <= latest, `reset ${reset} not in [${earliest}, ${latest}]`);
    for (let i = 1; i <= 60; i++) {
      const response = i === 1 ? first : await api.request('GET', '/api/v1/calls?per_page=1');
      assert.equal(response.status, i === 1 ? 201 : 200);
      assert.equal(response.headers.get('x-ratelimit-limit'), '60');
      assert.equal(response.headers.get('x-ratelimit-remaining'), String(60 - i));
      assert.equal(Number(response.headers.get('x-ratelimit-reset')), reset);
    }
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', BASE_CREATE],
    ] as const) {
      const limited = await api.request(method, '/api/v1/calls', body);
      assert.equal(limited.status, 429);
      assert.deepEqual(limited.body, { message: 'Too Many Attempts.' });
      assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
    }
    // The throttled POST placed no call.
    assert.equal((await api.control('GET', 'calls')).calls.length, 1);
    // A bad token is refused by auth, not counted against the account.
    assert.equal((await api.request('GET', '/api/v1/calls', undefined, { Authorization: 'Bearer nope' })).status, 401);
  });

  it('starts counting afresh after /__sim/reset', async () => {
    await api.control('POST', 'reset');
    const response = await api.request('GET', '/api/v1/calls');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-ratelimit-remaining'), '59');
  });

  it('applies the hourly window on top of the minute window', () => {
    let now = Date.parse('2025-03-01T09:00:00Z');
    const limiter = new FixedWindowLimiter(() => now);
    let allowed = 0;
    // 60 requests at the start of each minute: minute 16 runs into the 1,000/h cap.
    for (let minute = 0; minute < 20; minute++) {
      now = Date.parse('2025-03-01T09:00:00Z') + minute * 60_000;
      for (let i = 0; i < 61; i++) if (limiter.take('token', KALEM_RATE_WINDOWS).allowed) allowed++;
    }
    assert.equal(allowed, 1_000);
    const decision = limiter.take('token', KALEM_RATE_WINDOWS);
    assert.deepEqual([decision.allowed, decision.limit, decision.remaining], [false, 1_000, 0]);
    assert.equal(decision.retryAfterSeconds, 60 * 60 - 19 * 60);
  });
});
