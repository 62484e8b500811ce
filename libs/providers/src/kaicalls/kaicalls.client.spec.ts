import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdapterContext, HttpRequest, HttpResponse } from '@switchboard/core';
import { createKaiCallsClient } from './kaicalls.client';

/** A transport that answers from a script and records what was asked. */
function scripted(answer: (request: HttpRequest) => HttpResponse) {
  const seen: HttpRequest[] = [];
  const context = (baseUrl: string): AdapterContext => ({
    baseUrl,
    credentials: { api_key: 'kc_live_test' },
    defaults: {},
    now: () => new Date('2026-02-15T15:00:00Z'),
    http: {
      async request(request) {
        seen.push(request);
        return answer(request);
      },
    },
  });
  return { seen, context };
}

const row = (n: number) => ({
  id: `call-${n}`,
  status: 'completed',
  created_at: new Date(Date.UTC(2026, 1, 15, 14, n)).toISOString(),
});
const ok = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body });

describe('createKaiCallsClient', () => {
  it('adds /api/v1 to an origin base and sends the Bearer key', async () => {
    const { seen, context } = scripted(() => ok({ agents: [] }));
    await createKaiCallsClient(context('https://www.kaicalls.com')).listAgents();
    await createKaiCallsClient(context('https://www.kaicalls.com/api/v1/')).listAgents();
    assert.deepEqual(
      seen.map((r) => r.url),
      ['https://www.kaicalls.com/api/v1/agents', 'https://www.kaicalls.com/api/v1/agents'],
    );
    assert.equal(seen[0].headers?.Authorization, 'Bearer kc_live_test');
  });

  it('reads one call with ?id=, not a path segment', async () => {
    const { seen, context } = scripted(() => ok(row(1)));
    await createKaiCallsClient(context('http://sim/api/v1')).getCall('call-1');
    assert.equal(seen[0].url, 'http://sim/api/v1/calls');
    assert.deepEqual(seen[0].query, { id: 'call-1' });
  });

  it('follows the created_at cursor down to createdAfter, newest first', async () => {
    // 10 calls at 14:09 … 14:00; pages of at most 3.
    const all = Array.from({ length: 10 }, (_, i) => row(9 - i));
    const { seen, context } = scripted((request) => {
      const after = request.query?.after ? Date.parse(String(request.query.after)) : Infinity;
      const older = all.filter((c) => Date.parse(c.created_at) < after);
      return ok({ calls: older.slice(0, 3), has_more: older.length > 3 });
    });
    const client = createKaiCallsClient(context('http://sim/api/v1'));
    const rows = await client.listCallsSince({ createdAfter: new Date('2026-02-15T14:03:00Z'), limit: 50 });
    assert.deepEqual(
      rows.map((r) => r.id),
      ['call-9', 'call-8', 'call-7', 'call-6', 'call-5', 'call-4', 'call-3'],
    );
    assert.deepEqual(
      seen.map((r) => r.query?.after),
      [undefined, '2026-02-15T14:07:00.000Z', '2026-02-15T14:04:00.000Z'],
    );
  });

  it('stops at the limit and when the cursor does not move', async () => {
    const { seen, context } = scripted(() => ok({ calls: [row(5), row(4)], has_more: true }));
    const client = createKaiCallsClient(context('http://sim/api/v1'));
    assert.equal((await client.listCallsSince({ limit: 1 })).length, 1);
    assert.equal(seen[0].query?.limit, 1);
    seen.length = 0;
    // The server ignores `after` and keeps answering the same page: two requests, not a hundred, no repeats.
    assert.deepEqual(
      (await client.listCallsSince({ limit: 50 })).map((r) => r.id),
      ['call-5', 'call-4'],
    );
    assert.equal(seen.length, 2);
  });

  it('walks pages without repeating a row when the vendor repeats a page or a boundary row', async () => {
    const pages = async (answer: (request: HttpRequest) => HttpResponse) => {
      const { seen, context } = scripted(answer);
      const got: string[][] = [];
      for await (const page of createKaiCallsClient(context('http://sim/api/v1')).callPages({ pageSize: () => 100 }))
        got.push(page.map((r) => String(r.id)));
      return { got, requests: seen.length };
    };
    // The server ignores `after`: the second answer is the first again, so the walk ends there.
    assert.deepEqual(await pages(() => ok({ calls: [row(5), row(4)], has_more: true })), {
      got: [['call-5', 'call-4']],
      requests: 2,
    });
    // `created_at <= after`: the boundary row comes back once and is dropped.
    const all = [row(5), row(4), row(3), row(2)];
    const inclusive = (request: HttpRequest) => {
      const after = request.query?.after ? Date.parse(String(request.query.after)) : Infinity;
      const rows = all.filter((c) => Date.parse(c.created_at) <= after);
      return ok({ calls: rows.slice(0, 2), has_more: rows.length > 2 });
    };
    assert.deepEqual(await pages(inclusive), { got: [['call-5', 'call-4'], ['call-3'], ['call-2']], requests: 3 });
  });

  it('lists numbers at /phone-numbers, falling back to the seed path /numbers on 404', async () => {
    const { seen, context } = scripted((request) =>
      request.url.endsWith('/phone-numbers')
        ? { status: 404, headers: {}, body: { error: { code: 'not_found', message: 'Not found' } } }
        : ok({ numbers: [] }),
    );
    assert.deepEqual(await createKaiCallsClient(context('http://sim/api/v1')).listNumbers(), { numbers: [] });
    assert.deepEqual(
      seen.map((r) => r.url),
      ['http://sim/api/v1/phone-numbers', 'http://sim/api/v1/numbers'],
    );
  });
});
