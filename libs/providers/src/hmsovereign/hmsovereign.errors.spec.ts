import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse } from '@switchboard/core';
import {
  callNotActive,
  callNotFound,
  forbidden,
  insufficientCredits,
  invalidDestination,
  rateLimited,
  unauthorized,
} from './__fixtures__/errors.fixtures';
import { gatewayField, mapHmsSovereignError } from './hmsovereign.errors';

const now = new Date('2026-01-10T08:00:00.000Z');
const response = (status: number, body: unknown, headers: HttpResponse['headers'] = {}): HttpResponse => ({
  status,
  body,
  headers,
});

describe('mapHmsSovereignError', () => {
  it('401 flat envelope → auth', () => {
    const e = mapHmsSovereignError(response(401, unauthorized), now);
    assert.equal(e.kind, 'auth');
    assert.equal(e.status, 401);
    assert.equal(e.vendorCode, 'Unauthorized');
    assert.match(e.message, /Invalid or missing API key/);
    assert.equal(e.isRetryable, false);
  });

  it('403 → auth', () => {
    assert.equal(mapHmsSovereignError(response(403, forbidden), now).kind, 'auth');
  });

  it('404 → not_found', () => {
    const e = mapHmsSovereignError(response(404, callNotFound), now);
    assert.equal(e.kind, 'not_found');
    assert.match(e.message, /Call not found/);
  });

  it('400 with `param` → invalid_request with the field renamed to the gateway name', () => {
    const e = mapHmsSovereignError(response(400, invalidDestination), now);
    assert.equal(e.kind, 'invalid_request');
    assert.equal(e.vendorCode, 'invalid_request_error');
    assert.deepEqual(e.fieldErrors, [
      { field: 'to', message: 'Bad Request: destination must be a valid E.164 number' },
    ]);
  });

  it('422 with a field-error map → invalid_request with renamed fields', () => {
    const e = mapHmsSovereignError(
      response(422, {
        error: 'Unprocessable Entity',
        errors: {
          'destination.0': ['invalid'],
          assistant_id: 'unknown',
          'assistant_override.metadata.crm': ['too long'],
        },
      }),
      now,
    );
    assert.equal(e.kind, 'invalid_request');
    assert.deepEqual(e.fieldErrors, [
      { field: 'to', message: 'invalid' },
      { field: 'agent_id', message: 'unknown' },
      { field: 'metadata', message: 'too long' },
    ]);
  });

  it('400 "call not active" on control → conflict', () => {
    assert.equal(mapHmsSovereignError(response(400, callNotActive), now).kind, 'conflict');
  });

  it('429 nested envelope → rate_limited with resetAt from Retry-After', () => {
    const e = mapHmsSovereignError(
      response(429, rateLimited, { 'retry-after': '45', 'x-ratelimit-remaining': '0' }),
      now,
    );
    assert.equal(e.kind, 'rate_limited');
    assert.equal(e.vendorCode, 'rate_limit_exceeded');
    assert.equal(e.resetAt?.toISOString(), '2026-01-10T08:00:45.000Z');
    assert.equal(e.isRetryable, true);
  });

  it('429 without headers takes resetAt from the documented message text', () => {
    const e = mapHmsSovereignError(response(429, rateLimited), now);
    assert.equal(e.resetAt?.toISOString(), '2026-01-10T08:00:45.000Z');
  });

  it('rate_limit_exceeded code wins whatever the status', () => {
    assert.equal(mapHmsSovereignError(response(403, rateLimited), now).kind, 'rate_limited');
  });

  it('402 out of credits → not retryable', () => {
    const e = mapHmsSovereignError(response(402, insufficientCredits), now);
    assert.equal(e.kind, 'auth');
    assert.equal(e.isRetryable, false);
  });

  it('5xx → retryable, falling back to the status text when the body is not JSON', () => {
    const e = mapHmsSovereignError(response(503, '<html>upstream down</html>'), now);
    assert.equal(e.kind, 'retryable');
    assert.match(e.message, /Service Unavailable/);
    assert.doesNotMatch(e.message, /html/);
    assert.match(mapHmsSovereignError(response(502, null), now).message, /Bad Gateway/);
    assert.match(mapHmsSovereignError(response(500, 'boom'), now).message, /Internal Server Error \(boom\)/);
  });

  it('never puts the api key in the message', () => {
    const key = 'fl_live_abcdef123456';
    const e = mapHmsSovereignError(response(401, { error: 'Unauthorized', message: `Key ${key} is revoked` }), now, [
      key,
    ]);
    assert.doesNotMatch(e.message, /abcdef123456/);
    const e2 = mapHmsSovereignError(response(401, 'Authorization: Bearer secret-key-xyz rejected'), now, [
      'secret-key-xyz',
    ]);
    assert.doesNotMatch(e2.message, /secret-key-xyz/);
  });
});

describe('gatewayField', () => {
  it('renames vendor fields and keeps unknown ones', () => {
    assert.equal(gatewayField('destination'), 'to');
    assert.equal(gatewayField('destination[0]'), 'to');
    assert.equal(gatewayField('number_id'), 'from');
    assert.equal(gatewayField('content'), 'text');
    assert.equal(gatewayField('assistant_override.max_duration_seconds'), 'max_duration_seconds');
    assert.equal(gatewayField('llm_config.system_prompt'), 'system_prompt');
    assert.equal(gatewayField('something_else'), 'something_else');
  });
});

describe('mapHmsSovereignError on control commands', () => {
  it('treats any 400 to a control command as the call not accepting it yet (409 conflict)', () => {
    const response = { status: 400, headers: {}, body: { error: 'Bad Request', message: 'Command rejected' } };
    assert.equal(mapHmsSovereignError(response, new Date(), [], { controlRequest: true }).kind, 'conflict');
    assert.equal(mapHmsSovereignError(response, new Date(), [], { controlRequest: true }).code, 'conflict');
    assert.equal(mapHmsSovereignError(response, new Date()).kind, 'invalid_request');
  });

  it('keeps prose out of the vendor code', () => {
    const error = mapHmsSovereignError(
      { status: 400, headers: {}, body: { error: 'Destination is not a valid number' } },
      new Date(),
    );
    assert.equal(error.vendorCode, undefined);
  });
});
