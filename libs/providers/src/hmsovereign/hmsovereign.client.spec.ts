import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest, HttpResponse, HttpTransport } from '@switchboard/core';
import { ProviderError, TransportError } from '@switchboard/core';
import { createHmsSovereignAdapter } from './hmsovereign.adapter';
import { listCallsResponse } from './__fixtures__/calls.fixtures';

/** A transport that records requests and answers from a function (HTTP seam only, no server). */
function fakeTransport(answer: (req: HttpRequest) => HttpResponse | Error) {
  const seen: HttpRequest[] = [];
  const http: HttpTransport = {
    async request(req) {
      seen.push(req);
      const out = answer(req);
      if (out instanceof Error) throw out;
      return out;
    },
  };
  return { http, seen };
}

const ok = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body });
const adapterOn = (http: HttpTransport) =>
  createHmsSovereignAdapter({
    baseUrl: 'https://api.hmsovereign.com/api/v1/',
    credentials: { api_key: 'fl_live_test' },
    defaults: {},
    http,
    now: () => new Date('2026-01-10T09:00:00Z'),
  });

/** `n` call rows, one minute apart, starting at 08:00Z. */
const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ...listCallsResponse.calls[0],
    id: `c${from + i}`,
    created_at: new Date(Date.UTC(2026, 0, 10, 8, from + i)).toISOString(),
  }));

describe('HMS Sovereign client seam', () => {
  it('keeps a raw `+` in call ids, sends the bearer key, and a JSON content type only with a body', async () => {
    const { http, seen } = fakeTransport(() => ok(listCallsResponse.calls[0]));
    const call = await adapterOn(http).getCall('call-_+31687654321_q7w8e9');
    assert.equal(call.status, 'busy');
    assert.equal(seen[0].url, 'https://api.hmsovereign.com/api/v1/calls/call-_+31687654321_q7w8e9');
    assert.equal(seen[0].headers?.Authorization, 'Bearer fl_live_test');
    assert.equal(seen[0].headers?.['Content-Type'], undefined);
  });

  it('a timeout after sending is ambiguous for create and control, retryable for reads', async () => {
    const { http } = fakeTransport(() => new TransportError('timeout', true, 'timeout'));
    const adapter = adapterOn(http);
    const kind = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: ProviderError) => e.kind,
      );
    assert.equal(
      await kind(
        adapter.createCall({ to: '+31687654321', providerAgentId: 'a', record: true, metadata: {}, reference: 'r' }),
      ),
      'ambiguous',
    );
    assert.equal(await kind(adapter.controlCall('c1', { action: 'end' })), 'ambiguous');
    assert.equal(await kind(adapter.getCall('c1')), 'retryable');
  });

  it('a 2xx create without call_id is ambiguous, never a fake success', async () => {
    const { http } = fakeTransport(() => ok({ success: true }));
    await assert.rejects(
      adapterOn(http).createCall({
        to: '+31687654321',
        providerAgentId: 'a',
        record: true,
        metadata: {},
        reference: 'r',
      }),
      (e: unknown) => e instanceof ProviderError && e.kind === 'ambiguous',
    );
  });

  it('listCalls reads the tail when the vendor lists oldest first, and returns newest first', async () => {
    const all = rows(0, 250);
    const { http, seen } = fakeTransport((req) => {
      const offset = Number(req.query?.offset),
        limit = Number(req.query?.limit);
      return ok({ calls: all.slice(offset, offset + limit), pagination: { total: all.length, limit, offset } });
    });
    const calls = await adapterOn(http).listCalls({ limit: 5, createdAfter: new Date('2026-01-10T07:00:00Z') });
    assert.deepEqual(
      calls.map((c) => c.providerCallId),
      ['c249', 'c248', 'c247', 'c246', 'c245'],
    );
    assert.deepEqual(
      seen.map((r) => r.query?.offset),
      [0, 245],
    );
    assert.equal(seen[0].query?.start_date, '2026-01-10T07:00:00.000Z');
  });

  it('listCalls stops paging once it has enough rows when the vendor lists newest first', async () => {
    const all = rows(0, 250).reverse();
    const { http, seen } = fakeTransport((req) => {
      const offset = Number(req.query?.offset),
        limit = Number(req.query?.limit);
      return ok({ calls: all.slice(offset, offset + limit), pagination: { total: all.length, limit, offset } });
    });
    const calls = await adapterOn(http).listCalls({ limit: 3 });
    assert.deepEqual(
      calls.map((c) => c.providerCallId),
      ['c249', 'c248', 'c247'],
    );
    assert.equal(seen.length, 1);
  });
});
