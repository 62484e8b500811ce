import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpResponse } from '@switchboard/core';
import * as bodies from './__fixtures__/errors.fixtures';
import {
  fieldErrorsFromMessage,
  KAICALLS_CALL_FIELDS,
  mapKaiCallsAgentError,
  mapKaiCallsError,
  redactSecrets,
} from './kaicalls.errors';

const now = new Date('2026-02-15T14:30:00Z');
const response = (status: number, body: unknown, headers: HttpResponse['headers'] = {}): HttpResponse => ({
  status,
  body,
  headers,
});

describe('mapKaiCallsError', () => {
  it('401 unauthorized -> auth', () => {
    const error = mapKaiCallsError(response(401, bodies.unauthorized), now);
    assert.equal(error.kind, 'auth');
    assert.equal(error.vendorCode, 'unauthorized');
    assert.equal(error.status, 401);
    assert.equal(error.provider, 'kaicalls');
    assert.equal(error.isRetryable, false);
    assert.match(error.message, /Invalid API key/);
  });

  it('403 forbidden (the documented example) -> auth', () => {
    const error = mapKaiCallsError(response(403, bodies.forbidden), now);
    assert.equal(error.kind, 'auth');
    assert.equal(error.message, 'KaiCalls answered 403 forbidden: API key lacks calls:write scope');
  });

  it('404 not_found -> not_found', () => {
    assert.equal(mapKaiCallsError(response(404, bodies.notFound), now).kind, 'not_found');
  });

  it('400 invalid_request -> invalid_request with field errors under gateway names', () => {
    const error = mapKaiCallsError(response(400, bodies.invalidRequest), now);
    assert.equal(error.kind, 'invalid_request');
    assert.deepEqual(error.fieldErrors, [
      { field: 'agent_id', message: 'agent_id is required' },
      { field: 'to', message: 'to must be an E.164 phone number' },
      { field: 'max_duration_seconds', message: 'max_duration must be a positive integer (seconds)' },
    ]);
  });

  it('422 with a "Missing required fields" list -> one field error per field', () => {
    const error = mapKaiCallsError(response(422, bodies.missingFields), now);
    assert.equal(error.kind, 'invalid_request');
    assert.deepEqual(
      error.fieldErrors.map((f) => f.field),
      ['agent_id', 'to'],
    );
  });

  it('agent routes use agent field names', () => {
    const error = mapKaiCallsAgentError(response(400, bodies.agentInvalid), now);
    assert.deepEqual(
      error.fieldErrors.map((f) => f.field),
      ['credentials.business_id', 'system_prompt'],
    );
  });

  it('400 bad_request -> invalid_request without field errors', () => {
    const error = mapKaiCallsError(response(400, bodies.badRequest), now);
    assert.equal(error.kind, 'invalid_request');
    assert.deepEqual(error.fieldErrors, []);
  });

  it('429 rate_limited -> rate_limited with resetAt from Retry-After', () => {
    const error = mapKaiCallsError(response(429, bodies.rateLimited, { 'retry-after': '17' }), now);
    assert.equal(error.kind, 'rate_limited');
    assert.equal(error.isRetryable, true);
    assert.deepEqual(error.resetAt, new Date('2026-02-15T14:30:17Z'));
  });

  it('rate_limit_exceeded (other docs spelling) is rate limiting too, and a missing Retry-After means one minute', () => {
    const error = mapKaiCallsError(response(429, bodies.rateLimitExceeded), now);
    assert.equal(error.kind, 'rate_limited');
    assert.deepEqual(error.resetAt, new Date('2026-02-15T14:31:00Z'));
  });

  it('5xx -> retryable (call_failed, vapi_error, internal_error, 503 without a body)', () => {
    for (const [status, body] of [
      [500, bodies.callFailed],
      [502, bodies.vapiError],
      [500, bodies.internalError],
      [503, null],
    ] as const) {
      const error = mapKaiCallsError(response(status, body), now);
      assert.equal(error.kind, 'retryable', `${status} ${JSON.stringify(body)}`);
      assert.equal(error.isRetryable, true);
    }
  });

  it('vapi_error with a 4xx follows the status', () => {
    assert.equal(mapKaiCallsError(response(400, bodies.vapiError), now).kind, 'invalid_request');
  });

  it('number_on_dnc and tcpa_violation -> invalid_request on field to, never retried elsewhere', () => {
    for (const body of [bodies.numberOnDnc, bodies.tcpaViolation]) {
      const error = mapKaiCallsError(response(400, body), now);
      assert.equal(error.kind, 'invalid_request');
      assert.equal(error.isRetryable, false);
      assert.deepEqual(
        error.fieldErrors.map((f) => f.field),
        ['to'],
      );
    }
  });

  it('402 out of credits -> not retryable', () => {
    const error = mapKaiCallsError(response(402, bodies.paymentRequired), now);
    assert.equal(error.kind, 'invalid_request');
    assert.equal(error.isRetryable, false);
    assert.equal(error.vendorCode, 'payment_required');
  });

  it('falls back to the status when the body is not the envelope', () => {
    const html = mapKaiCallsError(response(502, '<html>Bad gateway</html>'), now);
    assert.equal(html.kind, 'retryable');
    assert.equal(html.vendorCode, undefined);
    assert.match(html.message, /^KaiCalls answered 502: <html>Bad gateway/);
    assert.equal(mapKaiCallsError(response(404, null), now).message, 'KaiCalls answered 404: HTTP 404');
    const flat = mapKaiCallsError(response(401, { error: 'unauthorized', message: 'nope' }), now);
    assert.equal(flat.vendorCode, 'unauthorized');
    assert.equal(flat.kind, 'auth');
  });

  it('never repeats an api key in the message', () => {
    const key = 'kc_live_SwBdSimDefaultKey_0123456789abcdefghijklmnop';
    const error = mapKaiCallsError(
      response(401, { error: { code: 'unauthorized', message: `Key ${key} revoked (Bearer ${key})` } }),
      now,
    );
    assert.equal(error.message.includes(key), false);
    assert.equal(redactSecrets(`x ${key}`), 'x [redacted]');
  });
});

describe('fieldErrorsFromMessage', () => {
  it('ignores parts that name no known field', () => {
    assert.deepEqual(fieldErrorsFromMessage('Request body must be a JSON object', KAICALLS_CALL_FIELDS), []);
    assert.deepEqual(fieldErrorsFromMessage('name must be a string', KAICALLS_CALL_FIELDS), [
      { field: 'customer.name', message: 'name must be a string' },
    ]);
  });
});
