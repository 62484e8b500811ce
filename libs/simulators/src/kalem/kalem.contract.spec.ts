import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { KALEM_DEFAULT_API_KEY, startKalemSimulator } from './index';
import type { ApiResponse } from './kalem.test-support';
import {
  assertShape,
  BASE_CREATE,
  CALL_STATUSES,
  DOC,
  ISO_WITH_OFFSET,
  KalemApi,
  NULLABLE_CALL_FIELDS,
  TERMINAL,
  UUID,
} from './kalem.test-support';

/** 422 bodies: `{message, errors: {field: [string]}}`, message = first error (+ "(and N more …)"). */
function assertValidationBody(response: ApiResponse, fields: string[]): void {
  assert.equal(response.status, 422, JSON.stringify(response.body));
  assertShape(response.body, { message: '', errors: Object.fromEntries(fields.map((f) => [f, ['']])) });
  const first = Object.values(response.body.errors as Record<string, string[]>)[0][0];
  assert.ok(response.body.message.startsWith(first), response.body.message);
}

describe('Kalem simulator: calls API contract', () => {
  let sim: RunningSimulator;
  let api: KalemApi;

  before(async () => {
    sim = await startKalemSimulator({ speed: 200 });
    api = new KalemApi(sim);
  });
  after(() => sim.close());
  beforeEach(async () => {
    await api.control('POST', 'reset');
    // Polling would trip the 60/min throttle; its own spec covers it.
    await api.control('POST', 'config', { rate_limits: false });
    await api.control('POST', 'scenario', { ring_ms: 2_000, talk_ms: 4_000 });
  });

  it('uses the documented key format by default and answers 401 Unauthenticated without a valid Bearer token', async () => {
    assert.equal(sim.apiKey, KALEM_DEFAULT_API_KEY);
    assert.match(sim.apiKey, /^\d+\|[A-Za-z0-9]{40}$/);
    const routes: [string, string][] = [
      ['POST', '/api/v1/calls'],
      ['GET', '/api/v1/calls'],
      ['GET', `/api/v1/calls/${DOC.created.data.call_id}`],
      ['DELETE', `/api/v1/calls/${DOC.created.data.call_id}`],
    ];
    for (const [method, path] of routes) {
      for (const headers of [
        { Authorization: '' },
        { Authorization: 'Bearer wrong' },
        { Authorization: `Basic ${sim.apiKey}` },
      ]) {
        const response = await api.request(method, path, method === 'POST' ? BASE_CREATE : undefined, headers);
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.deepEqual(response.body, { message: 'Unauthenticated.' });
      }
    }
    assert.equal(
      (await api.request('GET', '/api/v1/calls', undefined, { Authorization: `bearer ${sim.apiKey}` })).status,
      200,
    );
    assert.deepEqual((await api.control('GET', 'calls')).calls, []);
  });

  it('creates one call: 201 with the documented body, pending, punctuation stripped from the number', async () => {
    const response = await api.create({ ...BASE_CREATE, to_number: '+1 (555) 000-1111', agent_id: '2' });
    assert.equal(response.status, 201);
    assertShape(response.body, DOC.created);
    assert.equal(response.body.message, DOC.created.message);
    const { data } = response.body;
    assert.match(data.call_id, UUID);
    assert.deepEqual(
      { ...data, call_id: 'x' },
      {
        call_id: 'x',
        status: 'pending',
        to_number: '+15550001111',
        from_number: '+15550002222',
        agent: 'Billing Assistant',
      },
    );
  });

  it('creates a batch from an array: one call per entry, data is an array, message counts them', async () => {
    const response = await api.create({
      ...BASE_CREATE,
      to_number: ['+15550001111', '+15550003333', 'sip:1001@sip.kalem.me'],
    });
    assert.equal(response.status, 201);
    assertShape(response.body, { message: '', data: [DOC.created.data] });
    assert.equal(response.body.message, '3 calls initiated successfully');
    const ids = response.body.data.map((c: { call_id: string }) => c.call_id);
    assert.equal(new Set(ids).size, 3);
    for (const id of ids) assert.equal((await api.get(id)).status, 200);
    const dialed = (await api.control('GET', 'calls')).calls;
    assert.deepEqual(
      dialed.map((c: { batch_index: number }) => c.batch_index),
      [0, 1, 2],
    );
  });

  it('lets SIP URIs go without a trunk but demands one for E.164 numbers (documented 422)', async () => {
    assert.equal((await api.create({ to_number: 'sip:1001@sip.kalem.me', agent_id: 1, number_id: 1 })).status, 201);
    const response = await api.create({ to_number: '+15550001111', agent_id: 1, number_id: 1 });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body, DOC.validation);
  });

  it('answers invalid create bodies with Laravel 422s keyed by field, and creates nothing', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{}, ['to_number', 'agent_id', 'number_id']],
      [{ ...BASE_CREATE, to_number: ['+15550001111', '12345'] }, ['to_number.1']],
      [{ ...BASE_CREATE, to_number: [] }, ['to_number']],
      [{ ...BASE_CREATE, to_number: 'not a number' }, ['to_number']],
      [{ ...BASE_CREATE, agent_id: 99 }, ['agent_id']],
      [{ ...BASE_CREATE, agent_id: 'one' }, ['agent_id']],
      [{ ...BASE_CREATE, number_id: 3 }, ['number_id']],
      [{ ...BASE_CREATE, trunk_id: 2 }, ['trunk_id']],
      [{ ...BASE_CREATE, record: 'yes' }, ['record']],
      [{ ...BASE_CREATE, metadata: 'x' }, ['metadata']],
      [{ ...BASE_CREATE, post_call_webhook_url: 'not-a-url' }, ['post_call_webhook_url']],
      [{ ...BASE_CREATE, post_call_webhook_url: `https://x.example/${'a'.repeat(2048)}` }, ['post_call_webhook_url']],
      [{ ...BASE_CREATE, post_call_webhook_method: 'DELETE' }, ['post_call_webhook_method']],
      [{ ...BASE_CREATE, call_status_webhook_method: 'GET' }, ['call_status_webhook_method']],
      [{ ...BASE_CREATE, call_status_webhook_headers: [{ key: 'X-Token' }] }, ['call_status_webhook_headers.0.value']],
      [{ ...BASE_CREATE, post_call_webhook_headers: 'X-Token: 1' }, ['post_call_webhook_headers']],
    ];
    for (const [body, fields] of cases) assertValidationBody(await api.create(body), fields);
    const all = await api.create({});
    assert.equal(all.body.message, 'The to number field is required. (and 2 more errors)');
    assert.deepEqual((await api.control('GET', 'calls')).calls, []);
  });

  it('answers a malformed JSON body with 400 {message}', async () => {
    const response = await api.request('POST', '/api/v1/calls', '{"to_number":');
    assert.equal(response.status, 400);
    assertShape(response.body, { message: '' });
  });

  it('GET /calls/{id} serves the full Call object as documented once the call completes', async () => {
    const id = await api.dial({ metadata: { crm_ticket: 'T-1009' } });
    const call = await api.waitFor(id, TERMINAL);
    assertShape(call, DOC.callObject);
    assert.equal(call.status, 'completed');
    assert.equal(call.hangup_cause, 'NORMAL_CLEARING');
    assert.ok(Number.isInteger(call.duration_seconds) && call.duration_seconds === 4);
    assert.equal(call.duration_minutes, Math.round((4 / 60) * 100) / 100);
    assert.ok(call.cost > 0 && call.realtime_cost > 0 && call.realtime_cost <= call.cost);
    for (const key of ['started_at', 'answered_at', 'ended_at']) assert.match(call[key], ISO_WITH_OFFSET);
    assert.match(call.recording_url, /^https:\/\/.+\.mp3$/);
    assert.deepEqual((await api.get(id)).body, { data: call });
  });

  it('shows ringing and in-progress states with the documented nulls', async () => {
    await api.control('POST', 'scenario', { to: '+15550004444', ring_ms: 600_000 });
    await api.control('POST', 'scenario', { to: '+15550005555', ring_ms: 0, talk_ms: 600_000 });
    const ringing = await api.waitFor(await api.dial({ to_number: '+15550004444' }), ['ringing']);
    assertShape(ringing, DOC.callObject, NULLABLE_CALL_FIELDS);
    assert.match(ringing.started_at, ISO_WITH_OFFSET);
    for (const key of ['answered_at', 'ended_at', 'duration_seconds', 'cost', 'recording_url', 'hangup_cause'])
      assert.equal(ringing[key], null, key);
    const talking = await api.waitFor(await api.dial({ to_number: '+15550005555' }), ['in_progress']);
    assert.match(talking.answered_at, ISO_WITH_OFFSET);
    for (const key of ['ended_at', 'cost', 'hangup_cause']) assert.equal(talking[key], null, key);
  });

  it('ends unanswered calls as no_answer, busy or failed with a hangup cause and no cost', async () => {
    const expected = [
      ['no_answer', 'NO_ANSWER', '+15550006001'],
      ['busy', 'USER_BUSY', '+15550006002'],
      ['failed', 'NORMAL_TEMPORARY_FAILURE', '+15550006003'],
    ];
    for (const [outcome, cause, to] of expected) {
      await api.control('POST', 'scenario', { to, outcome });
      const call = await api.waitFor(await api.dial({ to_number: to }), TERMINAL);
      assertShape(call, DOC.callObject, NULLABLE_CALL_FIELDS);
      assert.equal(call.status, outcome);
      assert.ok(CALL_STATUSES.includes(call.status));
      assert.equal(call.hangup_cause, cause);
      for (const key of [
        'answered_at',
        'duration_seconds',
        'duration_minutes',
        'cost',
        'realtime_cost',
        'recording_url',
      ])
        assert.equal(call[key], null, key);
      assert.match(call.ended_at, ISO_WITH_OFFSET);
    }
  });

  it('has no recording when record is false', async () => {
    const call = await api.waitFor(await api.dial({ record: false }), TERMINAL);
    assert.equal(call.recording_url, null);
  });

  it('answers an unknown call id with 404 {message: "Not found."} and unknown routes with Laravel route 404', async () => {
    assert.deepEqual(await api.get(DOC.callObject.call_id).then((r) => [r.status, r.body]), [
      404,
      { message: 'Not found.' },
    ]);
    const route = await api.request('GET', '/api/v1/call');
    assert.equal(route.status, 404);
    assertShape(route.body, { message: '' });
  });

  it('deletes finished calls only: 422 while active, 200 after, then 404', async () => {
    await api.control('POST', 'scenario', { to: '+15550004444', ring_ms: 600_000 });
    const live = await api.dial({ to_number: '+15550004444' });
    const refused = await api.request('DELETE', `/api/v1/calls/${live}`);
    assert.deepEqual([refused.status, refused.body], [422, DOC.deleteActive]);
    const done = await api.dial();
    await api.waitFor(done, TERMINAL);
    const deleted = await api.request('DELETE', `/api/v1/calls/${done}`);
    assert.deepEqual([deleted.status, deleted.body], [200, DOC.deleted]);
    assert.equal((await api.get(done)).status, 404);
    assert.equal((await api.request('DELETE', `/api/v1/calls/${done}`)).status, 404);
    const listed = await api.request('GET', '/api/v1/calls');
    assert.deepEqual(
      listed.body.data.map((c: { call_id: string }) => c.call_id),
      [live],
    );
    const dialed = (await api.control('GET', 'calls')).calls;
    assert.equal(dialed.find((c: { call_id: string }) => c.call_id === done).deleted, true);
  });

  it('records every create in /__sim/calls with the exact body, the vendor id and the current status', async () => {
    const body = {
      ...BASE_CREATE,
      to_number: '+1 555 000 1111',
      metadata: { crm_ticket: 'T-1009', nested: [1, { a: null }] },
    };
    const id = (await api.create(body)).body.data.call_id;
    const call = await api.waitFor(id, TERMINAL);
    const [entry] = (await api.control('GET', 'calls')).calls;
    assert.equal(entry.call_id, id);
    assert.equal(entry.status, call.status);
    assert.deepEqual(entry.request, { method: 'POST', path: '/api/v1/calls', body });
  });
});
