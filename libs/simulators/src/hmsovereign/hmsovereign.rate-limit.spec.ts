import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { startHmsSovereignSimulator } from './index';
import { assertShape, DOCUMENTED, HmsTestClient } from './hmsovereign.test-support';

describe('HMS Sovereign simulator: 100 requests per minute per key', () => {
  let sim: RunningSimulator;
  let api: HmsTestClient;

  before(async () => {
    sim = await startHmsSovereignSimulator({ speed: 200 });
    api = new HmsTestClient(sim);
  });
  after(() => sim.close());
  beforeEach(() => api.control('reset', {}));

  it('sends X-RateLimit-* on every response and 429 with Retry-After and the nested envelope after 100', async () => {
    // The window opens at the first request, so Reset lies 60 s after a moment between these two.
    const startedAt = Date.now();
    for (let i = 1; i <= 100; i++) {
      const response = await api.request('GET', i % 2 ? '/calls' : '/assistants');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-ratelimit-limit'), '100');
      assert.equal(response.headers.get('x-ratelimit-remaining'), String(100 - i));
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      const bounds = [Math.floor(startedAt / 1000) + 60, Math.ceil(Date.now() / 1000) + 60];
      assert.ok(
        reset >= bounds[0] && reset <= bounds[1],
        `X-RateLimit-Reset ${reset} (Unix s) outside ${bounds.join('..')}`,
      );
      await response.arrayBuffer();
    }
    const { status, body, headers } = await api.post('/calls/outbound', { destination: '+31612345678' });
    assert.equal(status, 429);
    assertShape(body, DOCUMENTED.rateLimitError);
    assert.equal(body.error.code, 'rate_limit_exceeded');
    const retryAfter = Number(headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60);
    assert.equal(
      body.error.message,
      `Too many requests. Please retry after ${retryAfter} ${retryAfter === 1 ? 'second' : 'seconds'}.`,
    );
    assert.equal(headers.get('x-ratelimit-remaining'), '0');
    assert.equal((await api.control('calls')).calls.length, 0, 'a limited create places no call');
  });

  it('counts per key: a rejected key spends nothing, and the limit can be switched off', async () => {
    assert.equal((await new HmsTestClient(sim, 'fl_live_other').get('/calls')).status, 401);
    assert.equal((await api.get('/calls')).headers.get('x-ratelimit-remaining'), '99');
    await api.control('config', { rate_limits: false });
    for (let i = 0; i < 110; i++) await (await api.request('GET', '/calls')).arrayBuffer();
    assert.equal((await api.get('/calls')).status, 200);
  });

  it('answers injected rate-limit and error faults in the vendor envelopes, then recovers', async () => {
    await api.control('faults', { mode: 'rate_limit', count: 1 });
    const limited = await api.get('/assistants');
    assert.equal(limited.status, 429);
    assertShape(limited.body, DOCUMENTED.rateLimitError);
    assert.equal(limited.headers.get('retry-after'), '1');
    await api.control('faults', { mode: 'error', status: 500, count: 1 });
    const failed = await api.get('/assistants');
    assert.deepEqual(
      [failed.status, failed.body],
      [500, { error: 'Internal Server Error', message: 'Internal server error' }],
    );
    assert.equal((await api.get('/assistants')).status, 200);
  });
});
