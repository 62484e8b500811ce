import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import axios from 'axios';
import type { HttpRequest, HttpTransport, ProviderAdapter, ProviderCall } from '@switchboard/core';
import { createAxiosTransport } from '../common';
import { createKaiCallsAdapter } from './kaicalls.adapter';
import { useKaiCallsSimulator } from './kaicalls.test-support';
import { KAICALLS_MAX_PAGE } from './kaicalls.client';

describe('KaiCalls adapter: listCallHistory against the simulator', () => {
  const harness = useKaiCallsSimulator();
  const { contextFor, control, input } = harness;

  /** An adapter whose every vendor request is recorded, to count pages and read their cursors. */
  function counted(): { adapter: ProviderAdapter; requests: HttpRequest[] } {
    const requests: HttpRequest[] = [];
    const inner = createAxiosTransport(axios.create());
    const http: HttpTransport = { request: (r) => (requests.push(r), inner.request(r)) };
    return { adapter: createKaiCallsAdapter(contextFor({ http })), requests };
  }

  /** Places `count` calls, a few at a time; returns them in creation order. */
  async function place(count: number, offset = 0): Promise<ProviderCall[]> {
    const calls: ProviderCall[] = [];
    for (let i = 0; i < count; i += 25) {
      const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) =>
        harness.sut.createCall(input(`+1737555${String(offset + i + j).padStart(4, '0')}`)),
      );
      for (const { call } of await Promise.all(batch)) calls.push(call);
    }
    // The simulator stamps calls strictly increasing, so sorting restores creation order.
    return calls.sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? ''));
  }

  async function drain(adapter: ProviderAdapter, query: { createdAfter?: Date } = {}): Promise<ProviderCall[][]> {
    const pages: ProviderCall[][] = [];
    for await (const page of adapter.listCallHistory(query)) pages.push(page);
    return pages;
  }

  const callRequests = (requests: HttpRequest[]) =>
    requests.filter((r) => r.method === 'GET' && r.url.endsWith('/calls'));

  it('walks the whole history in pages of 100 along the created_at cursor, each call once', async () => {
    await control('/config', { rate_limits: false });
    const created = await place(230);
    const { adapter, requests } = counted();

    const pages = await drain(adapter);

    assert.deepEqual(
      pages.map((p) => p.length),
      [100, 100, 30],
    );
    const yielded = pages.flat().map((c) => c.providerCallId);
    assert.equal(new Set(yielded).size, yielded.length, 'no call yielded twice');
    // Newest first, exactly the calls placed.
    assert.deepEqual(yielded, created.map((c) => c.providerCallId).reverse());
    // Mapped as listCalls maps rows (the calls keep moving, so only their stable fields are compared).
    const stable = (c: ProviderCall) => [c.providerCallId, c.providerAgentId, c.createdAt, c.direction];
    assert.deepEqual(pages.flat().map(stable), created.map(stable).reverse());
    assert.deepEqual(pages.flat().map(stable), (await harness.sut.listCalls({ limit: 1_000 })).map(stable));

    const pageRequests = callRequests(requests);
    assert.equal(pageRequests.length, 3, 'one request per page');
    assert.deepEqual(
      pageRequests.map((r) => r.query?.limit),
      [KAICALLS_MAX_PAGE, KAICALLS_MAX_PAGE, KAICALLS_MAX_PAGE],
    );
    assert.deepEqual(
      pageRequests.map((r) => r.query?.after),
      [undefined, pages[0][99].createdAt, pages[1][99].createdAt],
    );
  });

  it('a history of exactly two full pages costs two requests (has_more ends it)', async () => {
    await control('/config', { rate_limits: false });
    const created = await place(200);
    const { adapter, requests } = counted();

    const pages = await drain(adapter);

    assert.deepEqual(
      pages.map((p) => p.length),
      [100, 100],
    );
    assert.deepEqual(new Set(pages.flat().map((c) => c.providerCallId)), new Set(created.map((c) => c.providerCallId)));
    assert.equal(callRequests(requests).length, 2);
  });

  it('createdAfter keeps only newer calls and stops at the first older row', async () => {
    await control('/config', { rate_limits: false });
    const older = await place(120);
    const createdAfter = new Date(Date.parse(older.at(-1)?.createdAt ?? '') + 1);
    const newer = await place(30, 500);
    const { adapter, requests } = counted();

    const pages = await drain(adapter, { createdAfter });

    assert.deepEqual(
      pages.flat().map((c) => c.providerCallId),
      newer.map((c) => c.providerCallId).reverse(),
    );
    assert.ok(pages.flat().every((c) => Date.parse(c.createdAt ?? '') >= createdAfter.getTime()));
    // KaiCalls has no creation filter: the first page already reaches older calls, so one request.
    assert.equal(callRequests(requests).length, 1);

    // A floor after everything yields nothing, still in one request.
    const later = counted();
    assert.deepEqual(await drain(later.adapter, { createdAfter: new Date(Date.now() + 60_000) }), []);
    assert.equal(callRequests(later.requests).length, 1);
  });

  it('an empty account yields no page and ends after one request', async () => {
    const { adapter, requests } = counted();
    assert.deepEqual(await drain(adapter), []);
    assert.equal(callRequests(requests).length, 1);
  });
});
