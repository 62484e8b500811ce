import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type {
  AdapterContext,
  HttpRequest,
  HttpResponse,
  HttpTransport,
  ProviderAdapter,
  ProviderCall,
} from '@switchboard/core';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { KLEN_DEFAULT_API_KEY, startKlenSimulator } from '@switchboard/simulators/klen';
import { pollUntil } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { listResponse } from './__fixtures__/calls.fixtures';
import { createKlenAdapter } from './klen.adapter';
import { KLEN_MAX_PAGE_SIZE } from './klen.client';

/** Records what reaches Klen, so each page can be shown to cost exactly one request. */
function counting(inner: HttpTransport): HttpTransport & { sent: HttpRequest[] } {
  const spy = { sent: [] as HttpRequest[], request: (r: HttpRequest) => (spy.sent.push(r), inner.request(r)) };
  return spy;
}

async function collect(pages: AsyncIterable<ProviderCall[]>): Promise<ProviderCall[][]> {
  const out: ProviderCall[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const idsOf = (pages: ProviderCall[][]) => pages.flat().map((c) => c.providerCallId);

describe('KlenAdapter.listCallHistory against the Klen simulator', () => {
  let sim: RunningSimulator;
  let creator: ProviderAdapter;
  let transport: ReturnType<typeof counting>;
  let sut: ProviderAdapter;
  let seq = 0;

  const contextFor = (http: HttpTransport): AdapterContext => ({
    baseUrl: `${sim.url}/api/v1`,
    credentials: { api_key: KLEN_DEFAULT_API_KEY },
    defaults: {},
    http,
    now: () => new Date(),
  });
  const control = async (path: string, body: unknown) => (await axios.post(`${sim.url}${path}`, body)).data;
  const dialed = async (): Promise<Array<{ call_id: string; status: string }>> =>
    (await axios.get(`${sim.url}/__sim/calls`)).data.calls;

  /** Creates `count` calls, a few at a time, and returns their ids in creation order. */
  async function place(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let done = 0; done < count; done += 25) {
      const batch = Array.from({ length: Math.min(25, count - done) }, () => {
        const n = ++seq;
        const to = `+1555${String(2_000_000 + n).padStart(7, '0')}`;
        return creator.createCall({
          to,
          providerAgentId: 'assistant_777',
          record: false,
          metadata: {},
          reference: `call_hist${n}`,
        });
      });
      ids.push(...(await Promise.all(batch)).map((r) => r.call.providerCallId));
    }
    return ids;
  }

  before(async () => {
    // A generous balance: hundreds of held initial charges must not run the account dry.
    sim = await startKlenSimulator({ speed: 200, balance: 100_000 });
    creator = createKlenAdapter(contextFor(createAxiosTransport(axios.create())));
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await control('/__sim/reset', {});
    // Reset turns the limits back on; hundreds of creates exceed both the per-minute and daily caps.
    await control('/__sim/config', { rate_limits: false });
    // Calls that stay queued carry no time at all, so nothing about them depends on the clock.
    await control('/__sim/scenario', { outcome: 'completed', ring_ms: 3_600_000 });
    transport = counting(createAxiosTransport(axios.create()));
    sut = createKlenAdapter(contextFor(transport));
  });

  it('yields nothing for an empty account, after one request', async () => {
    assert.deepEqual(await collect(sut.listCallHistory({})), []);
    assert.equal(transport.sent.length, 1);
  });

  it('walks every page of 100 until Klen has no more, each call once, one request per page', async () => {
    const created = await place(2 * KLEN_MAX_PAGE_SIZE + 50);
    const pages = await collect(sut.listCallHistory({}));
    assert.deepEqual(
      pages.map((p) => p.length),
      [100, 100, 50],
    );
    const ids = idsOf(pages);
    assert.equal(new Set(ids).size, ids.length, 'no call twice');
    assert.deepEqual([...ids].sort(), [...created].sort());
    assert.deepEqual(
      transport.sent.map((r) => [r.method, r.url, r.query]),
      [1, 2, 3].map((page) => ['GET', `${sim.url}/api/v1/calls`, { page, limit: KLEN_MAX_PAGE_SIZE }]),
    );
  });

  it('keeps only calls after createdAfter and stops at the first page with none', async () => {
    await control('/__sim/scenario', { outcome: 'failed', ring_ms: 0 });
    const old = await place(2 * KLEN_MAX_PAGE_SIZE + 50);
    await pollUntil(dialed, (calls) => calls.every((c) => c.status === 'failed'), {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: 'old calls ended',
    });
    // Klen lists no creation time and writes whole seconds: a bound one second past "now"
    // is the earliest that is provably after every old call's `ended_at`.
    const since = new Date(Date.now() + 1000);
    await control('/__sim/scenario', { outcome: 'completed', ring_ms: 3_600_000 });
    const recent = await place(30);

    const pages = await collect(sut.listCallHistory({ createdAfter: since }));
    // Creates go out 25 at a time, so their order at Klen is not the order they were sent in.
    assert.deepEqual([...idsOf(pages)].sort(), [...recent].sort());
    assert.ok(idsOf(pages).every((id) => !old.includes(id)));
    // 280 calls make 3 pages; page 2 holds only old calls, so page 3 is never asked for.
    assert.deepEqual(
      transport.sent.map((r) => r.query?.page),
      [1, 2],
    );

    transport.sent.length = 0;
    const everything = await collect(sut.listCallHistory({ createdAfter: new Date(0) }));
    assert.equal(idsOf(everything).length, old.length + recent.length);
    assert.equal(transport.sent.length, 3);
  });
});

describe('KlenAdapter.listCallHistory against a misbehaving Klen', () => {
  const item = listResponse.calls[0];
  const call = (id: string) => ({ ...item, id, status: 'queued', started_at: null, ended_at: null });

  /** `answer(page)` is what Klen sends for the requested page. */
  function stubKlen(answer: (page: number) => { pages: number; calls: unknown[] }) {
    const requests: HttpRequest[] = [];
    const http = {
      async request(request: HttpRequest): Promise<HttpResponse> {
        requests.push(request);
        const page = Number(request.query?.page);
        return { status: 200, headers: {}, body: { count: 0, page, limit: 100, ...answer(page) } };
      },
    };
    const sut = createKlenAdapter({
      baseUrl: 'https://api.klen.ai/api/v1',
      credentials: { api_key: 'klen_test_123' },
      defaults: {},
      http,
      now: () => new Date(),
    });
    return { sut, requests };
  }

  it('ends when Klen ignores `page` and sends the same page again', async () => {
    const { sut, requests } = stubKlen(() => ({ pages: 1_000_000, calls: [call('call_a'), call('call_b')] }));
    assert.deepEqual(
      (await collect(sut.listCallHistory({}))).map((p) => p.map((c) => c.providerCallId)),
      [['call_a', 'call_b']],
    );
    assert.equal(requests.length, 2);
  });

  it('drops a call pushed onto the next page by a newer one, and ends on an empty page', async () => {
    const pages: Record<number, string[]> = { 1: ['call_d', 'call_c'], 2: ['call_c', 'call_b'], 3: [] };
    const { sut, requests } = stubKlen((page) => ({ pages: 9, calls: (pages[page] ?? []).map(call) }));
    assert.deepEqual(
      (await collect(sut.listCallHistory({}))).map((p) => p.map((c) => c.providerCallId)),
      [['call_d', 'call_c'], ['call_b']],
    );
    assert.equal(requests.length, 3);
  });
});
