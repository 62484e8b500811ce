import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type { AdapterContext, HttpRequest, HttpTransport, ProviderAdapter, ProviderCall } from '@switchboard/core';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { startKalemSimulator } from '@switchboard/simulators/kalem';
import { pollUntil } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { createKalemAdapter } from './kalem.adapter';
import { KALEM_MAX_PER_PAGE } from './kalem.client';

describe('Kalem listCallHistory against the Kalem simulator', () => {
  let sim: RunningSimulator;
  let sut: ProviderAdapter;
  let seq = 0;
  /** Every `GET /calls` the adapter under test sent, with its query. */
  let listRequests: HttpRequest[] = [];

  const context = (http: HttpTransport): AdapterContext => ({
    baseUrl: `${sim.url}/api/v1`,
    credentials: { api_key: sim.apiKey },
    defaults: { number_id: '1', trunk_id: '1', from: '+15550002222' },
    http,
    now: () => new Date(),
  });
  const counting = (inner: HttpTransport): HttpTransport => ({
    request: (request) => {
      if (request.method === 'GET' && request.url.endsWith('/calls')) listRequests.push(request);
      return inner.request(request);
    },
  });
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/__sim/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(res.status, 200, `/__sim/${path}`);
    return res.json() as Promise<any>;
  };
  const create = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const { call } = await sut.createCall({
        to: `+1555020${String(++seq).padStart(4, '0')}`,
        providerAgentId: '1',
        record: false,
        metadata: {},
        reference: `call_hist_${seq}`,
      });
      ids.push(call.providerCallId);
    }
    return ids;
  };
  const collect = async (history: AsyncIterable<ProviderCall[]>): Promise<ProviderCall[][]> => {
    const pages: ProviderCall[][] = [];
    for await (const page of history) pages.push(page);
    return pages;
  };
  const ids = (pages: ProviderCall[][]) => pages.flat().map((c) => c.providerCallId);

  before(async () => {
    sim = await startKalemSimulator({ speed: 200 });
    sut = createKalemAdapter(context(counting(createAxiosTransport(axios.create()))));
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await control('reset', {});
    // Hundreds of creates would exhaust the 60/min budget.
    await control('config', { rate_limits: false });
    listRequests = [];
  });

  it('walks every page at the maximum page size, one request per page, each call once', async () => {
    const created = await create(250);
    listRequests = [];
    const pages = await collect(sut.listCallHistory({}));

    assert.deepEqual(
      pages.map((p) => p.length),
      [100, 100, 50],
    );
    assert.equal(listRequests.length, 3);
    assert.deepEqual(
      listRequests.map((r) => [r.query?.page, r.query?.per_page, r.query?.date_from]),
      [
        [1, KALEM_MAX_PER_PAGE, undefined],
        [2, KALEM_MAX_PER_PAGE, undefined],
        [3, KALEM_MAX_PER_PAGE, undefined],
      ],
    );
    const yielded = ids(pages);
    assert.equal(new Set(yielded).size, 250);
    assert.deepEqual([...yielded].sort(), [...created].sort());
    // Newest first, under the same id listCalls and createCall use (statuses move on, so only ids are compared).
    assert.equal(yielded[0], created.at(-1));
    assert.equal((await sut.listCalls({ limit: 1 }))[0].providerCallId, yielded[0]);
  });

  it('createdAfter is sent as date_from and leaves older calls out', async () => {
    await create(3);
    const { calls } = await control('calls');
    const lastOld = Math.max(...calls.map((c: any) => Date.parse(c.created_at)));
    // Kalem keeps whole seconds, so the bound must fall in a later second than the old calls.
    await pollUntil(
      () => Date.now(),
      (now) => now >= lastOld + 1_000,
      { what: 'the next wall-clock second', intervalMs: 10 },
    );
    const cutoff = new Date();
    const newer = await create(2);
    listRequests = [];

    const pages = await collect(sut.listCallHistory({ createdAfter: cutoff }));
    assert.deepEqual([...ids(pages)].sort(), [...newer].sort());
    assert.equal(listRequests.length, 1);
    const bound = new Date(Math.floor(cutoff.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    assert.equal(listRequests[0].query?.date_from, bound);
  });

  it('an empty account yields no page and ends after one request', async () => {
    assert.deepEqual(await collect(sut.listCallHistory({})), []);
    assert.equal(listRequests.length, 1);
  });

  it('a call created mid-walk does not make an older call appear twice', async () => {
    const created = await create(150);
    listRequests = [];
    const pages: ProviderCall[][] = [];
    for await (const page of sut.listCallHistory({})) {
      pages.push(page);
      // Pushes every older call one slot down: page 2 now starts with page 1's last call.
      if (pages.length === 1) await create(1);
    }
    assert.equal(listRequests.length, 2);
    assert.deepEqual(
      pages.map((p) => p.length),
      [100, 50],
    );
    assert.deepEqual([...ids(pages)].sort(), [...created].sort());
  });
});

describe('Kalem listCallHistory against a misbehaving vendor', () => {
  const call = (id: string) => ({ call_id: id, status: 'completed' });
  const fake = (body: unknown) => {
    const seen: HttpRequest[] = [];
    const http: HttpTransport = {
      request: async (request) => {
        seen.push(request);
        return { status: 200, headers: { 'content-type': 'application/json' }, body };
      },
    };
    const adapter = createKalemAdapter({
      baseUrl: 'https://kalem.invalid/api/v1',
      credentials: { api_key: '1|test' },
      defaults: {},
      http,
      now: () => new Date(),
    });
    return { adapter, seen };
  };

  it('stops when the vendor repeats a page while claiming there is a next one', async () => {
    const { adapter, seen } = fake({
      data: [call('a'), call('b')],
      links: { next: 'https://kalem.invalid/api/v1/calls?page=2' },
    });
    const pages: string[][] = [];
    for await (const page of adapter.listCallHistory({})) pages.push(page.map((c) => c.providerCallId));
    assert.deepEqual(pages, [['a', 'b']]);
    assert.equal(seen.length, 2);
  });

  it('stops on an empty page even when the vendor claims there is a next one', async () => {
    const { adapter, seen } = fake({ data: [], meta: { current_page: 1, last_page: 9 } });
    const pages: unknown[] = [];
    for await (const page of adapter.listCallHistory({})) pages.push(page);
    assert.deepEqual(pages, []);
    assert.equal(seen.length, 1);
  });
});
