import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, ProviderError } from '@switchboard/core';
import { mapError } from './error-response';

describe('mapError', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const limited = (resetInMs?: number) =>
    new ProviderError({ provider: 'kalem', kind: 'rate_limited', local: true, vendorCode: 'rate_budget', message: 'spent', resetAt: resetInMs === undefined ? undefined : new Date(now.getTime() + resetInMs) });

  it('gives a provider error that knows when to come back a Retry-After in whole seconds, rounded up', () => {
    const mapped = mapError(limited(1_500), 'req_1', now);
    assert.equal(mapped.status, 502);
    assert.deepEqual(mapped.headers, { 'Retry-After': '2' });
    assert.deepEqual(mapError(limited(60_000), 'req_1', now).headers, { 'Retry-After': '60' });
    // A reset already past still asks for a second, never 0.
    assert.deepEqual(mapError(limited(-5_000), 'req_1', now).headers, { 'Retry-After': '1' });
  });

  it('adds no header when nothing says when', () => {
    assert.deepEqual(mapError(limited(), 'req_1', now).headers, {});
    assert.deepEqual(mapError(new NotFoundError('call', 'call_x'), 'req_1', now).headers, {});
  });
});
