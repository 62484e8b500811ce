import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import { createTestDatabase } from '../support/test-database';
import { randomBytes } from 'node:crypto';

const LIMIT = 4;

describe('per-key rate limits (in memory)', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;

  before(async () => {
    gw = await startTestGateway({ RATE_LIMIT_PER_KEY: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60' });
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  it('sends the limit headers on every response and 429 with Retry-After past the limit', async () => {
    const other = await api.post('/v1/keys', { name: 'other', scopes: ['keys:write'] });
    assert.equal(other.headers.get('x-ratelimit-limit'), String(LIMIT));
    assert.equal(other.headers.get('x-ratelimit-remaining'), String(LIMIT - 1));
    const reset = Number(other.headers.get('x-ratelimit-reset'));
    assert.ok(reset > 0 && reset <= 60);

    for (let i = LIMIT - 2; i >= 0; i--) {
      const res = await api.get('/v1/keys');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-remaining'), String(i));
    }
    const limited = await api.get('/v1/keys');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.ok(limited.headers.get('x-ratelimit-limit'));

    // The budget is per key: another key is unaffected.
    const otherKey = client(gw.url, other.body.key);
    assert.equal((await otherKey.get('/v1/keys')).status, 200);
  });

  it('does not throttle health checks', async () => {
    for (let i = 0; i < LIMIT + 2; i++) assert.equal((await api.get('/health/live', { key: null })).status, 200);
  });
});

describe('per-key rate limits shared through Redis', () => {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let first: TestGateway;
  let second: TestGateway;

  before(async () => {
    // Two instances on one database and one Redis, as docker-compose runs them.
    const env = {
      REDIS_URL: redisUrl,
      RATE_LIMIT_PER_KEY: String(LIMIT),
      // A key unique to this run, so earlier runs' counters in Redis do not interfere.
      SWITCHBOARD_ADMIN_KEY: `sk_test_${randomBytes(20).toString('hex')}`,
    };
    first = await startTestGateway(env);
    if (first.database.kind === 'postgres') second = await startTestGateway(env, first.database);
    else second = await startTestGateway(env, await createTestDatabase());
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  it('counts one budget across two gateway instances', async () => {
    const a = client(first.url, first.adminKey);
    const b = client(second.url, second.adminKey);
    assert.equal((await a.get('/v1/keys')).status, 200);
    assert.equal((await b.get('/v1/keys')).status, 200);
    assert.equal((await a.get('/v1/keys')).status, 200);
    const last = await b.get('/v1/keys');
    assert.equal(last.status, 200);
    assert.equal(last.headers.get('x-ratelimit-remaining'), '0');
    const limited = await a.get('/v1/keys');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });
});
