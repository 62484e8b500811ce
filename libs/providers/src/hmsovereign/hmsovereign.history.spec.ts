import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type { HttpRequest, HttpTransport, ProviderAdapter, ProviderCall } from '@switchboard/core';
import { createAxiosTransport } from '../common';
import {
  HMSOVEREIGN_BASE_PATH,
  SEEDED_ASSISTANT_IDS,
  SEEDED_NUMBER_IDS,
  startHmsSovereignSimulator,
} from '@switchboard/simulators/hmsovereign';
import { pollUntil } from '@switchboard/simulators/testing';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { createHmsSovereignAdapter } from './hmsovereign.adapter';
import { HMS_MAX_PAGE_SIZE } from './hmsovereign.client';

const OLD_CALLS = HMS_MAX_PAGE_SIZE; // exactly one full page…
const NEW_CALLS = 5; // …and a short second one

let sim: RunningSimulator;
const control = axios.create({ validateStatus: () => true });

/** The `GET /calls` requests an adapter made, with their query. */
interface Recorder {
  lists: Array<HttpRequest['query']>;
}

/** Wraps the loopback transport to count list requests; `rewrite` may alter one before it is sent. */
function adapterWith(
  recorder: Recorder,
  rewrite: (r: HttpRequest) => HttpRequest = (r) => r,
  afterList: () => Promise<void> = async () => {},
): ProviderAdapter {
  const inner = createAxiosTransport(axios.create());
  const http: HttpTransport = {
    async request(request) {
      const isList = request.method === 'GET' && new URL(request.url).pathname.endsWith('/calls');
      if (isList) recorder.lists.push(request.query);
      const response = await inner.request(isList ? rewrite(request) : request);
      if (isList) await afterList();
      return response;
    },
  };
  return createHmsSovereignAdapter({
    baseUrl: `${sim.url}${HMSOVEREIGN_BASE_PATH}`,
    credentials: { api_key: sim.apiKey },
    defaults: { from: '+31201234567', number_id: SEEDED_NUMBER_IDS.appointments },
    http,
    now: () => new Date(),
  });
}

const plain = () => adapterWith({ lists: [] });

async function createCalls(count: number, firstTo: number): Promise<string[]> {
  const adapter = plain();
  const ids: string[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, (_, i) => {
      const n = firstTo + start + i;
      const to = `+3161${String(n).padStart(7, '0')}`;
      return adapter.createCall({
        to,
        providerAgentId: SEEDED_ASSISTANT_IDS.appointments,
        record: false,
        metadata: {},
        reference: `call_h${n}`,
      });
    });
    ids.push(...(await Promise.all(batch)).map((r) => r.call.providerCallId));
  }
  return ids;
}

async function readAll(adapter: ProviderAdapter, createdAfter?: Date): Promise<ProviderCall[][]> {
  const pages: ProviderCall[][] = [];
  for await (const page of adapter.listCallHistory({ createdAfter })) pages.push(page);
  return pages;
}

function assertEachOnce(pages: ProviderCall[][], expected: string[]): void {
  const yielded = pages.flat().map((c) => c.providerCallId);
  assert.equal(new Set(yielded).size, yielded.length, 'a call was yielded twice');
  assert.deepEqual([...yielded].sort(), [...expected].sort());
}

describe('HMS Sovereign listCallHistory against the simulator', () => {
  let oldIds: string[] = [];
  let newIds: string[] = [];
  let boundary: Date;

  before(async () => {
    sim = await startHmsSovereignSimulator({ speed: 200 });
    await control.post(`${sim.url}/__sim/config`, { rate_limits: false });
    // Calls that stay dialing keep their records still, so two reads can be compared.
    await control.post(`${sim.url}/__sim/scenario`, { outcome: 'completed', ring_ms: 3_600_000, talk_ms: 1_000 });
  });

  after(async () => {
    await sim.close();
  });

  it('an empty account: one request, no calls, and the read ends', async () => {
    const recorder: Recorder = { lists: [] };
    const pages = await readAll(adapterWith(recorder));
    assert.ok(pages.length <= 1);
    assert.equal(pages.flat().length, 0);
    assert.deepEqual(recorder.lists, [{ limit: HMS_MAX_PAGE_SIZE, offset: 0, start_date: undefined }]);
  });

  it('reads the whole history in pages of the vendor maximum, each call once', async () => {
    oldIds = await createCalls(OLD_CALLS, 0);
    // Every old call is stamped at or before `last`; every later one strictly after it.
    const last = Date.now();
    boundary = new Date(last + 1);
    await pollUntil(
      () => Date.now(),
      (t) => t > last,
      { intervalMs: 1, what: 'the clock to pass the boundary' },
    );
    newIds = await createCalls(NEW_CALLS, OLD_CALLS);

    const recorder: Recorder = { lists: [] };
    const pages = await readAll(adapterWith(recorder));
    assertEachOnce(pages, [...oldIds, ...newIds]);
    assert.deepEqual(
      pages.map((p) => p.length),
      [HMS_MAX_PAGE_SIZE, NEW_CALLS],
    );
    // Two pages → two requests, by offset; `pagination.total` ends the read without a third.
    assert.deepEqual(recorder.lists, [
      { limit: HMS_MAX_PAGE_SIZE, offset: 0, start_date: undefined },
      { limit: HMS_MAX_PAGE_SIZE, offset: HMS_MAX_PAGE_SIZE, start_date: undefined },
    ]);
    // Mapped exactly as listCalls maps them.
    const listed = await plain().listCalls({ limit: 3 });
    const byId = new Map(pages.flat().map((c) => [c.providerCallId, c]));
    for (const c of listed) assert.deepEqual(byId.get(c.providerCallId), c);
  });

  it('createdAfter is the vendor filter start_date and excludes older calls', async () => {
    const recorder: Recorder = { lists: [] };
    const pages = await readAll(adapterWith(recorder), boundary);
    assertEachOnce(pages, newIds);
    assert.deepEqual(recorder.lists, [{ limit: HMS_MAX_PAGE_SIZE, offset: 0, start_date: boundary.toISOString() }]);
    assert.ok(pages.flat().every((c) => Date.parse(c.createdAt ?? '') >= boundary.getTime()));
  });

  it('stops when the vendor repeats a page (offset ignored) instead of looping', async () => {
    const recorder: Recorder = { lists: [] };
    const ignoringOffset = (r: HttpRequest): HttpRequest => ({ ...r, query: { ...r.query, offset: undefined } });
    const pages = await readAll(adapterWith(recorder, ignoringOffset));
    assert.equal(recorder.lists.length, 2); // the second answer brought nothing new
    assert.equal(pages.length, 1);
    assertEachOnce(
      pages,
      pages[0].map((c) => c.providerCallId),
    );
    assert.equal(pages[0].length, HMS_MAX_PAGE_SIZE);
  });

  it('calls arriving mid-read shift the offsets, yet each call is yielded once', async () => {
    const recorder: Recorder = { lists: [] };
    let arrived: string[] = [];
    const arriveOnce = async () => {
      if (recorder.lists.length === 1) arrived = await createCalls(3, OLD_CALLS + NEW_CALLS);
    };
    const pages = await readAll(adapterWith(recorder, (r) => r, arriveOnce));
    // Newest first: the newcomers push the first page's tail onto the second page.
    assertEachOnce(pages, [...oldIds, ...newIds]);
    assert.equal(arrived.length, 3);
    assert.equal(recorder.lists.length, 2);
  });
});
