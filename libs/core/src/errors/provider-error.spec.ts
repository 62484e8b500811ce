import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError, kindFromStatus, resetAtFromHeaders } from './provider-error';

describe('ProviderError', () => {
  it('derives the kind from the HTTP status', () => {
    assert.equal(kindFromStatus(429), 'rate_limited');
    assert.equal(kindFromStatus(503), 'retryable');
    assert.equal(kindFromStatus(408), 'retryable');
    assert.equal(kindFromStatus(401), 'auth');
    assert.equal(kindFromStatus(404), 'not_found');
    assert.equal(kindFromStatus(422), 'invalid_request');
  });

  it('is retryable only when another attempt can help', () => {
    const make = (kind: ProviderError['kind']) => new ProviderError({ provider: 'x', kind, message: 'm' });
    assert.equal(make('retryable').isRetryable, true);
    assert.equal(make('rate_limited').isRetryable, true);
    assert.equal(make('ambiguous').isRetryable, false);
    assert.equal(make('invalid_request').isRetryable, false);
  });

  it('maps an ambiguous failure to provider_timeout, a state conflict to conflict, others to provider_error', () => {
    assert.equal(new ProviderError({ provider: 'x', kind: 'ambiguous', message: 'm' }).code, 'provider_timeout');
    assert.equal(new ProviderError({ provider: 'x', kind: 'retryable', message: 'm' }).code, 'provider_error');
    assert.equal(new ProviderError({ provider: 'x', kind: 'conflict', message: 'm' }).code, 'conflict');
  });

  it('reads Retry-After in seconds and as a date, and X-RateLimit-Reset in epoch seconds', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(resetAtFromHeaders({ 'retry-after': '30' }, now)?.toISOString(), '2026-01-01T00:00:30.000Z');
    assert.equal(
      resetAtFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' }, now)?.toISOString(),
      '2026-01-01T00:01:00.000Z',
    );
    assert.equal(
      resetAtFromHeaders({ 'x-ratelimit-reset': '1767225660' }, now)?.toISOString(),
      '2026-01-01T00:01:00.000Z',
    );
    assert.equal(resetAtFromHeaders({}, now), undefined);
    assert.equal(
      resetAtFromHeaders({ 'x-ratelimit-reset': '1767225660' }, now, { includeRateLimitReset: false }),
      undefined,
    );
    assert.ok(resetAtFromHeaders({ 'retry-after': '5' }, now, { includeRateLimitReset: false }));
  });
});
