import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '@switchboard/core';
import { mapKalemError } from '@switchboard/providers/kalem';
import { mapHmsSovereignError } from '@switchboard/providers/hmsovereign';
import { mapError } from './error-response';

const now = new Date('2026-03-01T12:00:00.000Z');
const CONNECTION = 'conn_01jgz5z9d2e3f4g5h6j7k8m9n0';

describe('what a vendor refusal means outside a create', () => {
  it('a vendor 429 with its reset: 503 providers_unavailable naming the connection, Retry-After from the reset', () => {
    const error = mapKalemError(
      { status: 429, headers: { 'retry-after': '17' }, body: { message: 'Too Many Attempts.' } },
      now,
    ).onConnection(CONNECTION);
    const mapped = mapError(error, 'req_1', now);
    assert.equal(mapped.status, 503);
    assert.equal(mapped.body.error.code, 'providers_unavailable');
    assert.deepEqual(mapped.headers, { 'Retry-After': '17' });
    assert.deepEqual(mapped.body.error.details, [
      { connection_id: CONNECTION, provider: 'kalem', provider_status: 429, provider_error_code: null },
    ]);
    assert.match(
      mapped.body.error.message,
      new RegExp(`^Connection ${CONNECTION} \\(kalem\\) is rate limited by kalem`),
    );
  });

  it('a vendor 401: 502 provider_error saying the connection’s credentials were refused, never a 401 of the gateway', () => {
    for (const status of [401, 403]) {
      const error = mapKalemError({ status, headers: {}, body: { message: 'Unauthenticated.' } }, now, [
        'k-secret',
      ]).onConnection(CONNECTION);
      const mapped = mapError(error, 'req_1', now);
      assert.equal(mapped.status, 502);
      assert.equal(mapped.body.error.code, 'provider_error');
      assert.match(
        mapped.body.error.message,
        new RegExp(`^kalem refused the credentials of connection ${CONNECTION} \\(HTTP ${status}\\)`),
      );
      assert.deepEqual(mapped.body.error.details, [
        { connection_id: CONNECTION, provider: 'kalem', provider_status: status, provider_error_code: null },
      ]);
    }
  });

  it('names the connection once, however often the error passes a wrapper', () => {
    const error = new ProviderError({
      provider: 'klen',
      kind: 'auth',
      status: 401,
      vendorCode: 'invalid_key',
      message: 'Klen answered 401 invalid_key: nope',
    });
    error.onConnection(CONNECTION).onConnection('conn_other');
    assert.equal(error.connectionId, CONNECTION);
    assert.equal(error.message.match(/refused the credentials/g)?.length, 1);
    assert.equal(error.details.length, 1);
  });

  it('an out-of-credit account (402) is not called a refused key', () => {
    const error = mapHmsSovereignError(
      { status: 402, headers: {}, body: { error: 'Payment Required', message: 'Insufficient credits.' } },
      now,
    ).onConnection(CONNECTION);
    assert.equal(error.kind, 'auth');
    assert.doesNotMatch(error.message, /refused the credentials/);
    assert.equal(mapError(error, 'req_1', now).status, 502);
  });

  it('a vendor validation error on a transfer target: 422 validation_failed on `to`', () => {
    const body = {
      error: 'Bad Request',
      message: 'destination is required and must be an E.164 number or a SIP URI',
      param: 'destination',
    };
    const error = mapHmsSovereignError({ status: 400, headers: {}, body }, now, [], {
      controlRequest: true,
    }).onConnection(CONNECTION);
    assert.equal(error.kind, 'invalid_request');
    const mapped = mapError(error, 'req_1', now);
    assert.equal(mapped.status, 422);
    assert.equal(mapped.body.error.code, 'validation_failed');
    const [problem, vendor] = mapped.body.error.details as Record<string, unknown>[];
    assert.equal(problem.field, 'to');
    assert.deepEqual(vendor, {
      connection_id: CONNECTION,
      provider: 'hmsovereign',
      provider_status: 400,
      provider_error_code: null,
    });
  });

  it('a control 400 naming no field stays the call not taking it yet (409)', () => {
    const error = mapHmsSovereignError(
      { status: 400, headers: {}, body: { error: 'Bad Request', message: 'Command rejected' } },
      now,
      [],
      { controlRequest: true },
    );
    assert.equal(mapError(error, 'req_1', now).status, 409);
  });

  it('a circuit open here (nothing asked): 503 providers_unavailable', () => {
    const error = new ProviderError({
      provider: 'kaicalls',
      kind: 'retryable',
      local: true,
      vendorCode: 'circuit_open',
      message: 'circuit open',
    }).onConnection(CONNECTION);
    const mapped = mapError(error, 'req_1', now);
    assert.equal(mapped.status, 503);
    assert.equal((mapped.body.error.details[0] as Record<string, unknown>).provider_error_code, 'circuit_open');
  });
});
