import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { pollUntil } from '../testing';
import { KLEN_INACTIVE_API_KEY, KLEN_READ_ONLY_API_KEY, startKlenSimulator } from './index';
import {
  CREATE_EXAMPLE,
  DETAIL_EXAMPLE,
  ERROR_EXAMPLE,
  ISO_SECONDS,
  LIST_EXAMPLE,
  shapeOf,
  WEBHOOK_CREATE_EXAMPLE,
} from './klen.doc-examples';
import type { KlenResponse } from './klen.test-support';
import { klenClient } from './klen.test-support';

const STATUSES = ['queued', 'in-progress', 'completed', 'failed'];
const ANA = '+15550004444';

function assertError(response: KlenResponse, status: number, error: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.deepEqual(shapeOf(response.body), shapeOf(ERROR_EXAMPLE));
  assert.equal(response.body.error, error);
}

describe('Klen simulator contract', () => {
  let sim: RunningSimulator;
  let k: ReturnType<typeof klenClient>;

  before(async () => {
    sim = await startKlenSimulator({ speed: 200 });
    k = klenClient(sim);
  });
  after(() => sim.close());
  // A fresh account per test also keeps each test far below 60 requests per minute.
  beforeEach(async () => {
    await k.control('/__sim/reset');
    await k.control('/__sim/scenario', { ring_ms: 1_000, talk_ms: 30_000 });
  });

  const finished = (ref: string, field = 'recording_url') =>
    pollUntil(
      () => k.api(`/api/v1/calls/${ref}`),
      (r) => r.body.status === 'failed' || (r.body.status === 'completed' && r.body[field] !== null),
      { intervalMs: 50, what: `call ${ref} to finish` },
    );

  describe('auth', () => {
    it('answers 401 authentication_required without a key and invalid_key for a wrong, inactive or non-Bearer key', async () => {
      assertError(await k.api('/api/v1/calls', { key: null }), 401, 'authentication_required');
      assertError(await k.api('/api/v1/calls', { key: 'klen_wrong' }), 401, 'invalid_key');
      const inactive = await k.api('/api/v1/calls', { key: KLEN_INACTIVE_API_KEY });
      assertError(inactive, 401, 'invalid_key');
      assert.deepEqual(inactive.body, ERROR_EXAMPLE);
      assertError(
        await k.api('/api/v1/calls', { key: null, headers: { authorization: `Basic ${sim.apiKey}` } }),
        401,
        'invalid_key',
      );
      assertError(
        await k.api('/api/webhooks/create/', { method: 'POST', key: null, body: {} }),
        401,
        'authentication_required',
      );
    });

    it('accepts the key as Bearer, X-API-Key or ?api_key= and records which one', async () => {
      const body = { phone_number: ANA, agent_id: 12 };
      assert.equal((await k.createCall(body)).status, 201);
      assert.equal(
        (await k.api('/api/v1/calls', { method: 'POST', key: null, body, headers: { 'x-api-key': sim.apiKey } }))
          .status,
        201,
      );
      assert.equal(
        (await k.api(`/api/v1/calls?api_key=${sim.apiKey}`, { method: 'POST', key: null, body })).status,
        201,
      );
      assert.deepEqual(
        (await k.dialed()).map((c) => c.auth_style),
        ['bearer', 'x-api-key', 'query'],
      );
      assert.equal((await k.api(`/api/v1/calls?api_key=${sim.apiKey}`, { key: null })).status, 200);
    });

    it('answers 403 permission_denied when the key lacks can_initiate_calls', async () => {
      assert.equal((await k.api('/api/v1/calls', { key: KLEN_READ_ONLY_API_KEY })).status, 200);
      assertError(
        await k.createCall({ phone_number: ANA, agent_id: 12 }, KLEN_READ_ONLY_API_KEY),
        403,
        'permission_denied',
      );
      assert.equal((await k.dialed()).length, 0);
    });
  });

  describe('POST /api/v1/calls', () => {
    it('answers 201 in the documented shape, accepting the agent DB id or assistant id', async () => {
      for (const agent_id of [12, 'assistant_777', '12']) {
        const created = await k.createCall({ phone_number: ANA, agent_id });
        assert.equal(created.status, 201);
        assert.deepEqual(shapeOf(created.body), shapeOf(CREATE_EXAMPLE));
        assert.equal(created.body.status, 'queued');
        assert.equal(created.body.type, 'outbound');
        assert.ok(Number.isInteger(created.body.id));
        assert.match(created.body.call_id, /^call_[a-z0-9]+$/);
        assert.match(created.body.created_at, ISO_SECONDS);
        assert.match(created.body.estimated_start, ISO_SECONDS);
        assert.deepEqual(created.body.agent, CREATE_EXAMPLE.agent);
      }
    });

    it('records the exact request body, both vendor ids and the current status for /__sim/calls', async () => {
      const request = {
        phone_number: ANA,
        agent_id: 'assistant_777',
        contact_id: 55,
        variables: { plan: { tier: 'gold', seats: 3 } },
      };
      const created = await k.createCall(request);
      const [call] = await k.dialed();
      assert.deepEqual(call.request, request);
      assert.equal(call.id, created.body.id);
      assert.equal(call.call_id, created.body.call_id);
      assert.ok(STATUSES.includes(call.status));
      await pollUntil(k.dialed, (calls) => calls[0].status === 'completed', {
        what: 'completed status in /__sim/calls',
      });
    });

    it('answers each documented validation error in the flat envelope and stores nothing', async () => {
      const cases: [unknown, number, string][] = [
        ['{not json', 400, 'invalid_json'],
        ['[1,2]', 400, 'invalid_json'],
        [{ agent_id: 12 }, 400, 'missing_phone_number'],
        [{ phone_number: ANA }, 400, 'missing_agent_id'],
        [{ phone_number: '555-CALL-NOW', agent_id: 12 }, 400, 'invalid_phone_number'],
        [{ phone_number: ANA, agent_id: 12, contact_id: '55' }, 400, 'validation_error'],
        [{ phone_number: ANA, agent_id: 12, variables: [1] }, 400, 'validation_error'],
        [{ phone_number: ANA, agent_id: 99999 }, 404, 'agent_not_found'],
        [{ phone_number: ANA, agent_id: 'assistant_nobody' }, 404, 'agent_not_found'],
        [{ phone_number: ANA, agent_id: 789 }, 404, 'no_phone_number'],
        [{ phone_number: ANA, agent_id: 12, contact_id: 4242 }, 404, 'not_found'],
        [{ phone_number: '+15550009999', agent_id: 12 }, 403, 'do_not_call'],
      ];
      for (const [body, status, error] of cases)
        assertError(await k.api('/api/v1/calls', { method: 'POST', body }), status, error);
      assertError(await k.api('/api/v1/calls', { method: 'POST', body: '' }), 400, 'invalid_json');
      assert.equal((await k.dialed()).length, 0);
    });

    it('answers 402 insufficient_funds when the balance cannot cover the initial charge', async () => {
      const broke = await startKlenSimulator({ speed: 200, balance: 0.2 });
      try {
        assertError(await klenClient(broke).createCall({ phone_number: ANA, agent_id: 12 }), 402, 'insufficient_funds');
      } finally {
        await broke.close();
      }
    });
  });

  describe('GET /api/v1/calls/{call_id}', () => {
    it('serves a completed call in the documented detail shape under either id', async () => {
      const created = await k.createCall({ phone_number: ANA, agent_id: 12, contact_id: 55 });
      const detail = await finished(created.body.call_id);
      assert.deepEqual(shapeOf(detail.body), shapeOf(DETAIL_EXAMPLE));
      assert.equal(detail.body.status, 'completed');
      assert.equal(detail.body.duration_seconds, 30);
      assert.deepEqual(detail.body.billing, {
        status: 'billed',
        initial_charge: 0.5,
        final_charge: 0.15,
        total_charge: 0.15,
      });
      assert.deepEqual(detail.body.team, DETAIL_EXAMPLE.team);
      assert.match(detail.body.recording_url, /^https:\/\/.+\.mp3$/);
      for (const key of ['started_at', 'ended_at']) assert.match(detail.body[key], ISO_SECONDS);
      assert.equal(detail.body.contact.last_call_date, detail.body.ended_at);
      assert.deepEqual((await k.api(`/api/v1/calls/${created.body.id}`)).body, detail.body);
    });

    it('shows in-progress once answered, then failed (reason not shown) for no answer, busy and failure', async () => {
      await k.control('/__sim/scenario', { to: '+15550001000', talk_ms: 600_000 });
      const live = await k.createCall({ phone_number: '+15550001000', agent_id: 456 });
      const during = await pollUntil(
        () => k.api(`/api/v1/calls/${live.body.id}`),
        (r) => r.body.status === 'in-progress',
      );
      assert.match(during.body.started_at, ISO_SECONDS);
      assert.equal(during.body.ended_at, null);
      assert.equal(during.body.contact, null);
      assert.equal((await k.api('/api/v1/calls?status=in-progress')).body.count, 1);

      for (const [i, outcome] of ['no_answer', 'busy', 'failed'].entries()) {
        const to = `+1555000200${i}`;
        await k.control('/__sim/scenario', { to, outcome });
        const created = await k.createCall({ phone_number: to, agent_id: 12 });
        const detail = await finished(created.body.call_id);
        assert.equal(detail.body.status, 'failed');
        assert.equal(detail.body.duration_seconds, 0);
        assert.equal(detail.body.started_at, null);
        assert.equal(detail.body.billing.status, 'refunded');
        assert.equal('failure_reason' in detail.body, false);
      }
    });

    it('answers 404 not_found for unknown ids', async () => {
      assertError(await k.api('/api/v1/calls/call_unknown'), 404, 'not_found');
      assertError(await k.api('/api/v1/calls/999999'), 404, 'not_found');
    });
  });

  describe('GET /api/v1/calls', () => {
    it('pages, filters and matches the documented list shape', async () => {
      const a = await k.createCall({ phone_number: ANA, agent_id: 12, contact_id: 55 });
      const b = await k.createCall({ phone_number: '+15550005555', agent_id: 'assistant_777', contact_id: 56 });
      const c = await k.createCall({ phone_number: '+15550006666', agent_id: 456 });
      // The list example shows a call with its recording, the last of the post-call facts to arrive.
      for (const created of [a, b, c]) await finished(created.body.call_id);

      const first = await k.api('/api/v1/calls?page=1&limit=2');
      // The newest call has no contact (null); the one before it has one, as in the example.
      assert.deepEqual(shapeOf({ ...first.body, calls: [first.body.calls[1]] }), shapeOf(LIST_EXAMPLE));
      assert.deepEqual(
        { ...first.body, calls: undefined },
        { count: 3, page: 1, limit: 2, pages: 2, calls: undefined },
      );
      assert.deepEqual(
        first.body.calls.map((x: any) => x.id),
        [c.body.call_id, b.body.call_id],
      );
      assert.equal(first.body.calls[0].contact, null);
      assert.equal(first.body.calls[1].agent_id, 'assistant_777');
      const second = await k.api('/api/v1/calls?page=2&limit=2');
      assert.deepEqual(
        second.body.calls.map((x: any) => x.id),
        [a.body.call_id],
      );

      const count = async (query: string) => (await k.api(`/api/v1/calls?${query}`)).body.count;
      assert.equal(await count('agent_id=456'), 1);
      assert.equal(await count('agent_id=assistant_777'), 2);
      assert.equal(await count('agent_id=assistant_nobody'), 0);
      assert.equal(await count('status=completed'), 3);
      assert.equal(await count('status=failed'), 0);
      assert.equal(await count('type=outbound'), 3);
      assert.equal(await count('type=inbound'), 0);
      const defaults = (await k.api('/api/v1/calls')).body;
      assert.deepEqual([defaults.page, defaults.limit, defaults.pages], [1, 10, 1]);
      assert.equal((await k.api('/api/v1/calls?limit=500')).body.limit, 100);
      assert.equal((await k.api('/api/v1/calls?page=9')).body.calls.length, 0);
    });

    it('answers 400 validation_error for bad query values', async () => {
      for (const query of ['page=abc', 'page=0', 'limit=-1', 'status=ringing', 'type=sideways'])
        assertError(await k.api(`/api/v1/calls?${query}`), 400, 'validation_error');
    });
  });

  describe('POST /api/webhooks/create/', () => {
    it('answers 201 with the endpoint and its signing secret', async () => {
      const body = {
        name: 'Gateway',
        url: 'https://gateway.example.com/hooks/klen',
        subscribed_events: ['call.ended', 'call.failed'],
      };
      const created = await k.api('/api/webhooks/create/', { method: 'POST', body });
      assert.equal(created.status, 201);
      assert.deepEqual(shapeOf(created.body), shapeOf(WEBHOOK_CREATE_EXAMPLE));
      assert.deepEqual({ ...created.body, id: 0, secret: '' }, { ...body, id: 0, secret: '', is_active: true });
      assert.match(created.body.secret, /^whsec_[0-9a-f]{48}$/);
      const next = await k.api('/api/webhooks/create/', { method: 'POST', body });
      assert.equal(next.body.id, created.body.id + 1);
      assert.notEqual(next.body.secret, created.body.secret);
    });

    it('rejects bad bodies and is only served at the documented path', async () => {
      const good = { name: 'Gateway', url: 'https://gateway.example.com/k', subscribed_events: ['call.ended'] };
      const bad = [
        { ...good, url: 'not a url' },
        { ...good, subscribed_events: [] },
        { ...good, subscribed_events: ['call.exploded'] },
        { ...good, name: '' },
      ];
      for (const body of bad)
        assertError(await k.api('/api/webhooks/create/', { method: 'POST', body }), 400, 'validation_error');
      assertError(await k.api('/api/webhooks/create/', { method: 'POST', body: '{' }), 400, 'invalid_json');
      assertError(await k.api('/api/webhooks/create', { method: 'POST', body: good }), 404, 'not_found');
      assertError(await k.api('/api/v1/webhooks/create/', { method: 'POST', body: good }), 404, 'not_found');
    });
  });
});
