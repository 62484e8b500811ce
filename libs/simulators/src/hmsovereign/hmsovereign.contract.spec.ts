import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../testing';
import type { RunningSimulator } from '../common';
import {
  HMSOVEREIGN_DEFAULT_API_KEY,
  SEEDED_ASSISTANT_IDS,
  SEEDED_NUMBER_IDS,
  startHmsSovereignSimulator,
} from './index';
import {
  assertShape,
  DOCUMENTED,
  HmsTestClient,
  ISO_MS,
  RECORD_STATUSES,
  SDK_CALL_EXTRAS,
  UUID,
} from './hmsovereign.test-support';

const A = SEEDED_ASSISTANT_IDS;

describe('HMS Sovereign simulator: calls contract', () => {
  let sim: RunningSimulator;
  let api: HmsTestClient;
  const call = (id: string) => api.get(`/calls/${id}`);
  const settled = (id: string) =>
    pollUntil(
      () => call(id),
      (r) => ['ended', 'failed'].includes(r.body.status),
      { what: `call ${id} to end` },
    );

  before(async () => {
    sim = await startHmsSovereignSimulator({ speed: 200 });
    api = new HmsTestClient(sim);
  });
  after(() => sim.close());
  beforeEach(async () => {
    await api.control('reset', {});
    await api.control('scenario', { outcome: 'completed', ring_ms: 1_000, talk_ms: 4_000 });
  });

  it('uses an fl_live_ key and answers a missing, wrong or non-Bearer key with the flat 401', async () => {
    assert.match(HMSOVEREIGN_DEFAULT_API_KEY, /^fl_live_/);
    const url = `${sim.url}/api/v1/calls`;
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer fl_live_wrong' },
      { Authorization: `Basic ${sim.apiKey}` },
    ];
    for (const headers of attempts) {
      const response = await fetch(url, { headers });
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), DOCUMENTED.authError);
    }
    const post = await new HmsTestClient(sim, 'fl_live_wrong').post('/calls/outbound', {
      destination: '+31612345678',
      assistant_id: A.appointments,
    });
    assert.equal(post.status, 401);
    assert.equal((await api.control('calls')).calls.length, 0);
  });

  it('POST /calls/outbound takes the SDK body and answers the documented shape with status dialing', async () => {
    const request = {
      destination: '+31612345678',
      assistant_id: A.appointments,
      first_message: 'Hallo, met Afspraken.',
    };
    const { status, body } = await api.post('/calls/outbound', request);
    assert.equal(status, 200);
    assertShape(body, DOCUMENTED.outboundResponse);
    assert.equal(body.status, 'dialing');
    assert.match(body.call_id, UUID);
    assert.match(body.room_name, /^outbound-[0-9a-f]{8}$/);
    const dialed = (await api.control('calls')).calls;
    assert.deepEqual(
      dialed.map((d: any) => [d.call_id, d.request]),
      [[body.call_id, request]],
    );
    const record = await settled(body.call_id);
    assert.equal(record.body.status, 'ended');
    assert.equal(record.body.messages[0].content, 'Hallo, met Afspraken.');
    assert.equal((await api.control('calls')).calls[0].status, 'ended');
  });

  it('accepts the seed body (agent_id, context) and a transient assistant, and rejects bad ones', async () => {
    const seed = await api.post('/calls/outbound', {
      destination: '+31612345678',
      agent_id: A.reminders,
      context: 'Afspraak morgen 10:00',
    });
    assert.equal(seed.status, 200);
    assert.equal((await call(seed.body.call_id)).body.assistant_phone, '+31201234568');
    const transient = await api.post('/calls/outbound', {
      destination: '+31612345679',
      number_id: SEEDED_NUMBER_IDS.unassigned,
      assistant: { llm_config: { provider: 'openai', model: 'gpt-4o' } },
    });
    assert.equal(transient.status, 200);
    const t = (await call(transient.body.call_id)).body;
    assert.deepEqual([t.agent_id, t.agent_name, t.assistant_phone], [null, null, '+31201234569']);

    const cases: [Record<string, unknown>, number, string | undefined][] = [
      [{ assistant_id: A.appointments }, 400, 'destination'],
      [{ destination: '0612345678', assistant_id: A.appointments }, 400, 'destination'],
      [{ destination: '+31612345678' }, 400, 'assistant_id'],
      [{ destination: '+31612345678', assistant: { first_message: 'x' } }, 400, 'assistant.llm_config'],
      [{ destination: '+31612345678', assistant_id: A.inactive }, 400, 'assistant_id'],
      [{ destination: '+31612345678', assistant_id: '0b7c3f5e-0000-4000-8000-000000000000' }, 404, undefined],
      [
        {
          destination: '+31612345678',
          assistant_id: A.appointments,
          number_id: '5d1e9a4c-0000-4000-8000-000000000000',
        },
        404,
        undefined,
      ],
    ];
    for (const [body, status, param] of cases) {
      const response = await api.post('/calls/outbound', body);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(typeof response.body.error, 'string');
      assert.equal(typeof response.body.message, 'string');
      assert.equal(response.body.param, param);
    }
    assert.equal((await api.control('calls')).calls.length, 2);
  });

  it('answers 402 when the account is out of credits, while reads keep working', async () => {
    await api.control('account', { credits_exhausted: true });
    const { status, body } = await api.post('/calls/outbound', {
      destination: '+31612345678',
      assistant_id: A.appointments,
    });
    assert.equal(status, 402);
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
    assert.match(body.message, /credits/i);
    assert.equal((await api.get('/calls')).status, 200);
  });

  it('GET /calls matches the documented list item for a busy call, with the SDK extras', async () => {
    await api.control('scenario', { to: '+31687654321', outcome: 'busy' });
    const id = await api.dial({ destination: '+31687654321', assistant_id: A.appointments });
    await settled(id);
    const { body, headers } = await api.get('/calls?limit=50');
    assertShape(body, DOCUMENTED.listResponse, { extras: SDK_CALL_EXTRAS });
    const [item] = body.calls;
    assert.deepEqual(
      [item.status, item.error, item.duration_seconds, item.started_at, item.summary],
      ['failed', 'SIP 486 busy', 0, null, null],
    );
    assert.deepEqual(
      [item.agent_name, item.business_name, item.direction],
      ['Afspraken', 'Tandarts Jansen', 'outbound'],
    );
    for (const field of ['created_at', 'updated_at', 'ended_at']) assert.match(item[field], ISO_MS);
    assert.deepEqual(body.pagination, { total: 1, limit: 50, offset: 0 });
    assert.equal(headers.get('content-type')?.startsWith('application/json'), true);
  });

  it('maps no-answer and other failures to failed with a free-text error', async () => {
    await api.control('scenario', { to: '+31600000001', outcome: 'no_answer' });
    await api.control('scenario', { to: '+31600000002', outcome: 'failed' });
    const noAnswer = (await settled(await api.dial({ destination: '+31600000001', assistant_id: A.appointments })))
      .body;
    const failed = (await settled(await api.dial({ destination: '+31600000002', assistant_id: A.appointments }))).body;
    assert.equal(noAnswer.status, 'failed');
    assert.match(noAnswer.error, /no answer/);
    assert.equal(failed.status, 'failed');
    assert.doesNotMatch(failed.error, /busy|no answer/);
  });

  it('GET /calls/{id} returns the bare list item through connecting → in-progress → ended', async () => {
    await api.control('scenario', { ring_ms: 60_000, talk_ms: 200_000 });
    const id = await api.dial({ destination: '+31612345678', assistant_id: A.appointments });
    assert.equal((await call(id)).body.status, 'connecting');
    const live = (
      await pollUntil(
        () => call(id),
        (r) => r.body.status === 'in-progress',
      )
    ).body;
    assert.match(live.started_at, ISO_MS);
    assert.equal(live.ended_at, null);
    const done = await pollUntil(
      () => call(id),
      (r) => r.body.status !== 'in-progress',
    );
    assert.ok(RECORD_STATUSES.includes(done.body.status));
    const record = done.body;
    assertShape(record, DOCUMENTED.listResponse.calls[0], {
      extras: SDK_CALL_EXTRAS,
      nullable: ['error', 'started_at', 'summary'],
    });
    assert.equal(record.error, null);
    assert.equal(record.status, 'ended');
    assert.equal(record.duration_seconds, 200);
    assert.match(record.started_at, ISO_MS);
    assert.match(record.recording_url, /^https:\/\//);
    assert.equal(typeof record.summary, 'string');
    assert.deepEqual(
      record.messages.map((m: any) => m.role),
      ['assistant', 'user'],
    );
    assert.deepEqual((await api.get('/calls')).body.calls[0], record);
  });

  it('answers unknown ids (raw + or %2B) and unknown routes with the flat 404', async () => {
    for (const path of ['/calls/call-_+31612345678_abc123', '/calls/call-_%2B31612345678_abc123']) {
      const { status, body } = await api.get(path);
      assert.equal(status, 404);
      assert.deepEqual(body, { error: 'Not Found', message: 'Call not found' });
    }
    const route = await api.get('/campaigns-nope');
    assert.equal(route.status, 404);
    assert.equal(route.body.error, 'Not Found');
  });

  it('pages with limit/offset (cap 1000) and filters by status and dates', async () => {
    await api.control('scenario', { to: '+31600000009', outcome: 'busy' });
    const ids = [];
    for (const to of ['+31600000007', '+31600000008', '+31600000009'])
      ids.push(await api.dial({ destination: to, assistant_id: A.appointments }));
    await Promise.all(ids.map(settled));
    const page1 = (await api.get('/calls?limit=2')).body;
    const page2 = (await api.get('/calls?limit=2&offset=2')).body;
    assert.deepEqual(page1.pagination, { total: 3, limit: 2, offset: 0 });
    assert.deepEqual(page2.pagination, { total: 3, limit: 2, offset: 2 });
    assert.deepEqual(
      [...page1.calls, ...page2.calls].map((c: any) => c.id),
      [...ids].reverse(),
    );
    assert.equal((await api.get('/calls')).body.pagination.limit, 100);
    assert.equal((await api.get('/calls?limit=5000')).body.pagination.limit, 1000);
    assert.deepEqual(
      (await api.get('/calls?status=failed')).body.calls.map((c: any) => c.id),
      [ids[2]],
    );
    assert.equal((await api.get('/calls?start_date=2999-01-01T00:00:00Z')).body.calls.length, 0);
    assert.equal((await api.get('/calls?end_date=2000-01-01T00:00:00Z')).body.calls.length, 0);
    assert.equal(
      (await api.get(`/calls?start_date=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`)).body.calls
        .length,
      3,
    );
    for (const query of ['limit=0', 'limit=abc', 'offset=-1', 'status=busy', 'start_date=yesterday']) {
      const { status, body } = await api.get(`/calls?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.error, 'Bad Request');
    }
  });

  it('keeps the call when an after_create fault drops the response, and answers injected errors flat', async () => {
    await api.control('faults', { mode: 'reset', after_create: true, count: 1 });
    await assert.rejects(
      api.request('POST', '/calls/outbound', { destination: '+31612345678', assistant_id: A.appointments }),
    );
    const dialed = (await api.control('calls')).calls;
    assert.equal(dialed.length, 1);
    assert.equal((await call(dialed[0].call_id)).status, 200);

    await api.control('faults', { mode: 'timeout', delay_ms: 50, count: 1 });
    await assert.rejects(api.request('GET', '/calls'));

    await api.control('faults', { mode: 'error', status: 503, count: 1 });
    const failed = await api.get('/calls');
    assert.equal(failed.status, 503);
    assert.equal(typeof failed.body.error, 'string');
    assert.equal((await api.get('/calls')).status, 200);
  });
});
