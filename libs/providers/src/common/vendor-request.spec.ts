import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterContext, HttpResponse } from '@switchboard/core';
import { ProviderError, TransportError } from '@switchboard/core';
import { toIsoUtc, vendorRequest } from './vendor-request';

const context = (respond: () => Promise<HttpResponse>): AdapterContext => ({
  baseUrl: 'http://vendor.test/api/v1/',
  credentials: { api_key: 'k' },
  defaults: {},
  http: { request: respond },
  now: () => new Date('2026-01-01T00:00:00Z'),
});
const mapError = (r: HttpResponse) =>
  new ProviderError({ provider: 'kalem', kind: 'invalid_request', status: r.status, message: 'no' });

describe('vendorRequest', () => {
  it('never calls a create that may have reached the vendor retryable', async () => {
    const lost = context(() => Promise.reject(new TransportError('socket hang up', true, 'reset')));
    await assert.rejects(
      vendorRequest(lost, 'kalem', { method: 'POST', url: '/calls' }, mapError, { idempotent: false }),
      (e: ProviderError) => e.kind === 'ambiguous' && e.code === 'provider_timeout',
    );
    await assert.rejects(
      vendorRequest(lost, 'kalem', { method: 'GET', url: '/calls' }, mapError, { idempotent: true }),
      (e: ProviderError) => e.kind === 'retryable',
    );
  });

  it('calls a refused connection retryable even for a create: the vendor never saw it', async () => {
    const refused = context(() => Promise.reject(new TransportError('ECONNREFUSED', false, 'refused')));
    await assert.rejects(
      vendorRequest(refused, 'kalem', { method: 'POST', url: '/calls' }, mapError, { idempotent: false }),
      (e: ProviderError) => e.kind === 'retryable',
    );
  });

  it('hands non-2xx answers to the vendor mapper and joins the URL once', async () => {
    let url = '';
    const ctx = context(async () => ({ status: 422, headers: {}, body: {} }));
    ctx.http = { request: async (r) => ((url = r.url), { status: 422, headers: {}, body: {} }) };
    await assert.rejects(
      vendorRequest(ctx, 'kalem', { method: 'GET', url: '/calls/1' }, mapError, { idempotent: true }),
      (e: ProviderError) => e.status === 422,
    );
    assert.equal(url, 'http://vendor.test/api/v1/calls/1');
  });
});

describe('toIsoUtc', () => {
  it('reads offsets, Z, epoch seconds and zone-less times (as UTC, whatever the machine zone)', () => {
    assert.equal(toIsoUtc('2025-03-01T09:00:00+00:00'), '2025-03-01T09:00:00.000Z');
    assert.equal(toIsoUtc('2025-03-01T10:00:00+01:00'), '2025-03-01T09:00:00.000Z');
    assert.equal(toIsoUtc('2025-03-01T09:00:00'), '2025-03-01T09:00:00.000Z');
    assert.equal(toIsoUtc('2025-03-01T09:00:00.250'), '2025-03-01T09:00:00.250Z');
    assert.equal(toIsoUtc(1740819600), '2025-03-01T09:00:00.000Z');
    assert.equal(toIsoUtc('not a date'), null);
    assert.equal(toIsoUtc(null), null);
  });
});
