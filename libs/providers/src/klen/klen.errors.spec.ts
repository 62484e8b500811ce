import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse } from '@switchboard/core';
import { klenErrorBodies as bodies } from './__fixtures__/errors.fixtures';
import { mapKlenError } from './klen.errors';

const now = new Date('2025-05-02T10:00:00Z');
const response = (status: number, body: unknown, headers: HttpResponse['headers'] = {}): HttpResponse => ({
  status,
  body,
  headers,
});

describe('mapKlenError', () => {
  it('reads the documented flat envelope', () => {
    const error = mapKlenError(response(401, bodies.invalidKey), now);
    assert.equal(error.provider, 'klen');
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.vendorCode, 'invalid_key');
    assert.equal(error.message, 'Klen answered 401 invalid_key: Invalid or inactive API key');
    assert.equal(error.isRetryable, false);
    assert.equal(error.code, 'provider_error');
  });

  it('treats a missing key and a missing permission as auth', () => {
    assert.equal(mapKlenError(response(401, bodies.authenticationRequired), now).kind, 'auth');
    assert.equal(mapKlenError(response(403, bodies.permissionDenied), now).kind, 'auth');
  });

  it('maps 404 not_found to not_found', () => {
    const error = mapKlenError(response(404, bodies.notFound), now);
    assert.equal(error.kind, 'not_found');
    assert.deepEqual(error.fieldErrors, []);
  });

  it('maps 400 field codes to invalid_request with gateway field names', () => {
    const cases: [unknown, string][] = [
      [bodies.missingPhoneNumber, 'to'],
      [bodies.invalidPhoneNumber, 'to'],
      [bodies.missingAgentId, 'agent_id'],
      [bodies.validationError, 'variables'],
    ];
    for (const [body, field] of cases) {
      const error = mapKlenError(response(400, body), now);
      assert.equal(error.kind, 'invalid_request');
      assert.equal(error.fieldErrors.length, 1);
      assert.equal(error.fieldErrors[0].field, field);
    }
    const json = mapKlenError(response(400, bodies.invalidJson), now);
    assert.equal(json.kind, 'invalid_request');
    assert.deepEqual(json.fieldErrors, []);
  });

  it('renames the vendor field a validation_error names in prose', () => {
    const error = mapKlenError(
      response(422, { error: 'validation_error', message: 'phone_number must be E.164' }),
      now,
    );
    assert.equal(error.kind, 'invalid_request');
    assert.deepEqual(error.fieldErrors, [{ field: 'to', message: 'phone_number must be E.164' }]);
  });

  it('refines vendor-specific codes beyond their HTTP status', () => {
    const funds = mapKlenError(response(402, bodies.insufficientFunds), now);
    assert.equal(funds.kind, 'auth');
    assert.equal(funds.isRetryable, false);

    const dnc = mapKlenError(response(403, bodies.doNotCall), now);
    assert.equal(dnc.kind, 'invalid_request');
    assert.deepEqual(dnc.fieldErrors, [{ field: 'to', message: 'This number is on your Do-Not-Call list' }]);

    const noNumber = mapKlenError(response(404, bodies.noPhoneNumber), now);
    assert.equal(noNumber.kind, 'invalid_request');
    assert.equal(noNumber.fieldErrors[0].field, 'agent_id');

    const agent = mapKlenError(response(404, bodies.agentNotFound), now);
    // The request names an agent the account lacks: a field error the client can fix, not a 502.
    assert.equal(agent.kind, 'invalid_request');
    assert.equal(agent.fieldErrors[0].field, 'agent_id');
  });

  it('maps 429 to rate_limited with resetAt from Retry-After', () => {
    const error = mapKlenError(response(429, bodies.rateLimited, { 'retry-after': '42' }), now);
    assert.equal(error.kind, 'rate_limited');
    assert.equal(error.vendorCode, 'rate_limit_exceeded');
    assert.equal(error.resetAt?.toISOString(), '2025-05-02T10:00:42.000Z');
    assert.equal(error.isRetryable, true);
  });

  it('maps 5xx to retryable, with or without a body', () => {
    assert.equal(mapKlenError(response(500, bodies.serverError), now).kind, 'retryable');
    const bare = mapKlenError(response(503, '<html>Service Unavailable</html>'), now);
    assert.equal(bare.kind, 'retryable');
    assert.equal(bare.vendorCode, undefined);
    assert.equal(bare.message, 'Klen answered 503: Service Unavailable');
  });

  it('falls back to the status text when the body is empty or not the envelope', () => {
    assert.equal(mapKlenError(response(404, null), now).message, 'Klen answered 404: Not Found');
    assert.equal(mapKlenError(response(400, { oops: true }), now).kind, 'invalid_request');
    assert.equal(mapKlenError(response(401, '{"error":"invalid_key","message":"bad"}'), now).vendorCode, 'invalid_key');
  });

  it('never puts an api key into the message', () => {
    const key = 'klen_live_9f8e7d6c5b4a';
    const body = { error: 'invalid_key', message: `Invalid or inactive API key ${key}` };
    assert.doesNotMatch(mapKlenError(response(401, body), now).message, /9f8e7d6c5b4a/);
    const custom = { error: 'invalid_key', message: 'key s3cr3t-value rejected' };
    assert.doesNotMatch(mapKlenError(response(401, custom), now, ['s3cr3t-value']).message, /s3cr3t-value/);
  });
});
