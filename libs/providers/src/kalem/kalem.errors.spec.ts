import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse } from '@switchboard/core';
import {
  badToNumber,
  deleteActiveCall,
  notFound,
  serverError,
  tooManyAttempts,
  trunkRequired,
  unauthenticated,
} from './__fixtures__/errors.fixtures';
import { gatewayField, mapKalemError } from './kalem.errors';

const now = new Date('2025-03-01T09:00:00Z');
const res = (status: number, body: unknown, headers: HttpResponse['headers'] = {}): HttpResponse => ({
  status,
  body,
  headers,
});

describe('mapKalemError', () => {
  it('401 -> auth, with Kalem message', () => {
    const e = mapKalemError(res(401, unauthenticated), now);
    assert.equal(e.kind, 'auth');
    assert.equal(e.status, 401);
    assert.equal(e.provider, 'kalem');
    assert.equal(e.message, 'Kalem answered 401: Unauthenticated.');
    assert.equal(e.isRetryable, false);
  });

  it('403 -> auth', () => {
    assert.equal(mapKalemError(res(403, { message: 'This action is unauthorized.' }), now).kind, 'auth');
  });

  it('404 -> not_found', () => {
    assert.equal(mapKalemError(res(404, notFound), now).kind, 'not_found');
  });

  it('422 -> invalid_request with the trunk error renamed to the connection default', () => {
    const e = mapKalemError(res(422, trunkRequired), now);
    assert.equal(e.kind, 'invalid_request');
    assert.deepEqual(e.fieldErrors, [
      { field: 'defaults.trunk_id', message: 'A trunk is required when calling E.164 phone numbers.' },
    ]);
  });

  it('422 -> index-suffixed to_number keys become `to`', () => {
    const e = mapKalemError(res(422, badToNumber), now);
    assert.deepEqual(
      e.fieldErrors.map((f) => f.field),
      ['to', 'agent_id'],
    );
  });

  it('422 for deleting a live call -> conflict', () => {
    const e = mapKalemError(res(422, deleteActiveCall), now);
    assert.equal(e.kind, 'conflict');
    assert.deepEqual(e.fieldErrors, []);
  });

  it('400 -> invalid_request', () => {
    assert.equal(
      mapKalemError(res(400, { message: 'The request body is not valid JSON.' }), now).kind,
      'invalid_request',
    );
  });

  it('429 -> rate_limited with resetAt from Retry-After', () => {
    const e = mapKalemError(res(429, tooManyAttempts, { 'retry-after': '17', 'x-ratelimit-remaining': '0' }), now);
    assert.equal(e.kind, 'rate_limited');
    assert.equal(e.isRetryable, true);
    assert.equal(e.resetAt?.toISOString(), '2025-03-01T09:00:17.000Z');
  });

  it('429 without Retry-After -> resetAt from X-RateLimit-Reset (epoch seconds)', () => {
    const reset = String(Date.parse('2025-03-01T09:01:00Z') / 1000);
    const e = mapKalemError(res(429, tooManyAttempts, { 'x-ratelimit-reset': reset }), now);
    assert.equal(e.resetAt?.toISOString(), '2025-03-01T09:01:00.000Z');
  });

  it('5xx -> retryable', () => {
    for (const status of [500, 502, 503]) {
      const e = mapKalemError(res(status, status === 500 ? serverError : { message: 'Service Unavailable' }), now);
      assert.equal(e.kind, 'retryable');
      assert.equal(e.isRetryable, true);
    }
  });

  it('falls back to the status text when the body is not JSON', () => {
    const e = mapKalemError(res(502, '<html><body>Bad Gateway</body></html>'), now);
    assert.equal(e.kind, 'retryable');
    assert.equal(e.message, 'Kalem answered 502: Bad Gateway');
  });

  it('falls back to the status text when the body is empty', () => {
    assert.equal(mapKalemError(res(500, null), now).message, 'Kalem answered 500: Internal Server Error');
  });

  it('never includes the api key in the message', () => {
    const key = '1|kalemsim0sandbox0token0aB3dE5fG7hJ9kL1mN';
    const e = mapKalemError(res(401, { message: `Token ${key} is not valid (Bearer ${key}).` }), now, [key]);
    assert.equal(e.message.includes(key), false);
    assert.equal(e.message.includes('kalemsim0'), false);
  });
});

describe('gatewayField', () => {
  it('renames Kalem fields to the gateway names', () => {
    assert.equal(gatewayField('to_number'), 'to');
    assert.equal(gatewayField('to_number.3'), 'to');
    assert.equal(gatewayField('number_id'), 'defaults.number_id');
    assert.equal(gatewayField('metadata.crm_ticket'), 'metadata.crm_ticket');
    assert.equal(gatewayField('post_call_webhook_url'), 'post_call_webhook_url');
  });
});
