import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, ProviderError, ValidationFailedError } from '@switchboard/core';
import { QueryFailedError } from 'typeorm';
import { DATABASE_RETRY_AFTER_SECONDS, mapError, RATE_BUDGET_UNAVAILABLE } from './error-response';

describe('mapError', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const limited = (resetInMs?: number) =>
    new ProviderError({
      provider: 'kalem',
      kind: 'rate_limited',
      local: true,
      vendorCode: 'rate_budget',
      message: 'spent',
      resetAt: resetInMs === undefined ? undefined : new Date(now.getTime() + resetInMs),
    });

  it('gives a provider error that knows when to come back a Retry-After in whole seconds, rounded up', () => {
    const mapped = mapError(limited(1_500), 'req_1', now);
    // Spent budget on a request other than a create: the connection is out for now, as a create would hear.
    assert.equal(mapped.status, 503);
    assert.equal(mapped.body.error.code, 'providers_unavailable');
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

describe('mapError for outages', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  it('answers an unreachable database 503 unavailable with Retry-After, as an outage and not a bug', () => {
    const mapped = mapError(new QueryFailedError('SELECT 1', [], refused), 'req_1', now);
    assert.equal(mapped.status, 503);
    assert.equal(mapped.body.error.code, 'unavailable');
    assert.equal(mapped.unexpected, false);
    assert.equal(mapped.outage, 'database');
    assert.deepEqual(mapped.headers, { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) });
    // Nothing of the driver's message (addresses, SQL) reaches the client.
    assert.doesNotMatch(mapped.body.error.message, /127\.0\.0\.1|SELECT|ECONNREFUSED/);
  });

  it('keeps a failing statement a 500: only connectivity is an outage', () => {
    const mapped = mapError(
      new QueryFailedError('SELEC 1', [], Object.assign(new Error('syntax error'), { code: '42601' })),
      'req_1',
      now,
    );
    assert.equal(mapped.status, 500);
    assert.equal(mapped.unexpected, true);
    assert.equal(mapped.outage, undefined);
  });

  it('answers a vendor request refused for want of its budget store 503 unavailable, with its Retry-After', () => {
    const error = new ProviderError({
      provider: 'kalem',
      kind: 'retryable',
      local: true,
      vendorCode: RATE_BUDGET_UNAVAILABLE,
      message: 'budget unknown',
      resetAt: new Date(now.getTime() + 4_200),
    });
    const mapped = mapError(error, 'req_1', now);
    assert.equal(mapped.status, 503);
    assert.equal(mapped.body.error.code, 'unavailable');
    assert.deepEqual(mapped.headers, { 'Retry-After': '5' });
  });

  it('leaves a vendor that sends the same code itself a provider error', () => {
    const error = new ProviderError({
      provider: 'kalem',
      kind: 'retryable',
      status: 503,
      vendorCode: RATE_BUDGET_UNAVAILABLE,
      message: 'theirs',
    });
    assert.equal(mapError(error, 'req_1', now).status, 502);
  });
});

describe('mapError bounds what it echoes', () => {
  it('shortens long messages and field names, and lists at most 50 problems', () => {
    const long = 'k'.repeat(9000);
    const problems = Array.from({ length: 80 }, (_, i) => ({ field: `${long}${i}`, message: `bad ${long}` }));
    const { body } = mapError(new ValidationFailedError(problems), 'req_1');
    assert.ok(body.error.message.length <= 500);
    assert.equal(body.error.details.length, 51);
    for (const d of body.error.details as { field: string; message: string }[])
      assert.ok(d.field.length <= 200 && d.message.length <= 200);
    assert.match((body.error.details[50] as { message: string }).message, /^30 more/);
  });

  it('leaves short problems as they are', () => {
    const { body } = mapError(new ValidationFailedError([{ field: 'name', message: 'must be a string' }]), 'req_1');
    assert.deepEqual(body.error.details, [{ field: 'name', message: 'must be a string' }]);
  });
});
