import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest, HttpResponse } from '@switchboard/core';
import { listResponse } from './__fixtures__/calls.fixtures';
import { createKlenAdapter } from './klen.adapter';

const item = listResponse.calls[0];

/** A stub Klen: `pages` is a list of pages of list items, newest first. */
function stubKlen(pages: unknown[][]) {
  const requests: HttpRequest[] = [];
  const http = {
    async request(request: HttpRequest): Promise<HttpResponse> {
      requests.push(request);
      const page = Number(request.query?.page ?? 1);
      const limit = Number(request.query?.limit ?? 10);
      return {
        status: 200,
        headers: {},
        body: { count: pages.flat().length, page, limit, pages: pages.length, calls: pages[page - 1] ?? [] },
      };
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

const at = (id: string, started: string | null, ended: string | null = null) => ({
  ...item,
  id,
  status: 'completed',
  started_at: started,
  ended_at: ended,
});

describe('KlenAdapter.listCalls paging', () => {
  it('asks for page and limit with the Bearer key, capping the page size at 100', async () => {
    const { sut, requests } = stubKlen([[item]]);
    await sut.listCalls({ limit: 500 });
    assert.equal(requests[0].url, 'https://api.klen.ai/api/v1/calls');
    assert.deepEqual(requests[0].query, { page: 1, limit: 100 });
    assert.equal(requests[0].headers?.Authorization, 'Bearer klen_test_123');
  });

  it('follows pages until it has enough calls or Klen runs out', async () => {
    const { sut, requests } = stubKlen([
      [at('c1', null), at('c2', null)],
      [at('c3', null), at('c4', null)],
      [at('c5', null)],
    ]);
    assert.deepEqual(
      (await sut.listCalls({ limit: 3 })).map((c) => c.providerCallId),
      ['c1', 'c2', 'c3'],
    );
    assert.equal(requests.length, 2);
    requests.length = 0;
    assert.equal((await sut.listCalls({ limit: 50 })).length, 5);
    assert.equal(requests.length, 3);
  });

  it('keeps calls that started or ended after the bound (whole seconds) and queued ones, and stops at an all-old page', async () => {
    const { sut, requests } = stubKlen([
      [
        at('queued', null),
        at('started', '2025-05-02T10:00:05Z'),
        at('same-second', '2025-05-02T10:00:00Z'),
        at('failed', null, '2025-05-02T10:00:09Z'),
      ],
      [at('old', '2025-05-02T09:59:58Z')],
      [at('older', '2025-05-02T09:00:00Z')],
    ]);
    const found = await sut.listCalls({ createdAfter: new Date('2025-05-02T10:00:00.400Z'), limit: 4 });
    assert.deepEqual(
      found.map((c) => c.providerCallId),
      ['queued', 'started', 'same-second', 'failed'],
    );
    requests.length = 0;
    const more = await sut.listCalls({ createdAfter: new Date('2025-05-02T10:00:00.400Z'), limit: 50 });
    assert.equal(more.length, 4);
    assert.equal(requests.length, 2, 'page 2 has nothing new, so page 3 is never asked for');
  });
});

describe('KlenAdapter.createCall without an id in the answer', () => {
  it('is ambiguous, never a placed call nobody can follow', async () => {
    const http = {
      request: async (): Promise<HttpResponse> => ({ status: 201, headers: {}, body: { status: 'queued' } }),
    };
    const sut = createKlenAdapter({
      baseUrl: 'https://api.klen.ai/api/v1',
      credentials: { api_key: 'klen_test_123' },
      defaults: {},
      http,
      now: () => new Date(),
    });
    await assert.rejects(
      sut.createCall({ to: '+15550001111', providerAgentId: '12', record: true, metadata: {}, reference: 'call_x' }),
      (e: { kind?: string }) => e.kind === 'ambiguous',
    );
  });
});
