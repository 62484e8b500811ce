import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readiness } from './readiness';

describe('readiness', () => {
  it('is unavailable (503) without the database, whatever Redis does', () => {
    assert.deepEqual(readiness('unreachable', 'ok'), {
      httpStatus: 503,
      body: { status: 'unavailable', checks: { database: 'unreachable', redis: 'ok' } },
    });
    assert.equal(readiness('unreachable', 'not_configured').httpStatus, 503);
  });

  it('stays in rotation (200) but says degraded while a configured Redis is unreachable', () => {
    assert.deepEqual(readiness('ok', 'unreachable'), {
      httpStatus: 200,
      body: { status: 'degraded', checks: { database: 'ok', redis: 'unreachable' } },
    });
  });

  it('reports Redis only when REDIS_URL is set', () => {
    assert.deepEqual(readiness('ok', 'not_configured'), {
      httpStatus: 200,
      body: { status: 'ok', checks: { database: 'ok' } },
    });
    assert.deepEqual(readiness('ok', 'ok').body, { status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });
});
