import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../testing';
import type { RunningSimulator } from '../common';
import { SEEDED_ASSISTANT_IDS, SEEDED_NUMBER_IDS, startHmsSovereignSimulator } from './index';
import { assertShape, HmsTestClient, ISO_MS, UUID } from './hmsovereign.test-support';

/** Field lists from docs/vendors/hmsovereign.md (SDK types); values only fix the JSON type. */
const ASSISTANT = {
  id: '',
  name: '',
  is_active: true,
  first_message: '',
  max_duration_seconds: 0,
  webhook_url: null,
  webhook_secret: null,
  webhook_events: null,
  stt_config: {},
  llm_config: {},
  tts_config: {},
  created_at: '',
  updated_at: '',
  business_name: '',
};
const NUMBER = {
  id: '',
  phone_number: '',
  agent_id: '',
  agent_name: '',
  business_name: '',
  transfer_trunk_id: null,
  transfer_trunk_name: null,
  source: '',
  is_active: true,
  created_at: '',
  updated_at: '',
};
const USAGE = {
  logs: [{ id: '', duration_sec: 0, phone_number: '', agent_name: '', business_name: '', created_at: '' }],
  pagination: { total: 0, limit: 0, offset: 0 },
  summary: { total_calls: 0, total_duration_seconds: 0, total_duration_minutes: 0 },
};
const looseConfig = {
  nullable: [
    'webhook_url',
    'webhook_secret',
    'webhook_events',
    'first_message',
    'max_duration_seconds',
    'business_name',
    'agent_id',
    'agent_name',
  ],
};

describe('HMS Sovereign simulator: assistants, numbers, usage', () => {
  let sim: RunningSimulator;
  let api: HmsTestClient;

  before(async () => {
    sim = await startHmsSovereignSimulator({ speed: 200 });
    api = new HmsTestClient(sim);
  });
  after(() => sim.close());
  beforeEach(() => api.control('reset', {}));

  it('lists the seeded assistants wrapped in { assistants }', async () => {
    const { status, body } = await api.get('/assistants');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['assistants']);
    assert.deepEqual(
      body.assistants.map((a: any) => a.id),
      Object.values(SEEDED_ASSISTANT_IDS),
    );
    body.assistants.forEach((a: any) => assertShape(a, ASSISTANT, looseConfig));
    assert.deepEqual(
      body.assistants.map((a: any) => a.is_active),
      [true, true, false],
    );
  });

  it('creates, reads, patches and deletes an assistant', async () => {
    const created = await api.post('/assistants', { name: 'Verkoop', first_message: 'Hoi!' });
    assert.equal(created.status, 201);
    const { assistant } = created.body;
    assertShape(assistant, ASSISTANT, looseConfig);
    assert.match(assistant.id, UUID);
    assert.match(assistant.created_at, ISO_MS);
    assert.deepEqual((await api.get(`/assistants/${assistant.id}`)).body, { assistant });

    const patch = {
      webhook_url: 'https://example.nl/hooks',
      webhook_secret: 's3cret',
      webhook_events: ['status-update', 'end-of-call-report'],
    };
    const patched = await api.json('PATCH', `/assistants/${assistant.id}`, patch);
    assert.equal(patched.status, 200);
    assert.deepEqual({ ...patched.body.assistant, updated_at: '' }, { ...assistant, ...patch, updated_at: '' });

    // The SDK sends Content-Type: application/json on a bodiless DELETE too.
    const deleted = await api.json('DELETE', `/assistants/${assistant.id}`);
    assert.deepEqual([deleted.status, deleted.body], [200, { success: true }]);
    assert.equal((await api.get(`/assistants/${assistant.id}`)).status, 404);
  });

  it('validates assistant input with the flat 400 and answers unknown ids with 404', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/assistants', {}, 'name'],
      ['POST', '/assistants', { name: 'x', webhook_events: ['call.ended'] }, 'webhook_events'],
      ['PATCH', `/assistants/${SEEDED_ASSISTANT_IDS.appointments}`, { webhook_url: 'ftp://x' }, 'webhook_url'],
      ['PATCH', `/assistants/${SEEDED_ASSISTANT_IDS.appointments}`, { is_active: 'yes' }, 'is_active'],
    ];
    for (const [method, path, body, param] of cases) {
      const response = await api.json(method, path, body);
      assert.deepEqual(
        [response.status, response.body.error, response.body.param],
        [400, 'Bad Request', param],
        JSON.stringify(body),
      );
    }
    const missing = await api.get('/assistants/0b7c3f5e-0000-4000-8000-000000000000');
    assert.deepEqual([missing.status, missing.body], [404, { error: 'Not Found', message: 'Assistant not found' }]);
  });

  it('manages numbers wrapped in { numbers } / { number }, with agent names read through agent_id', async () => {
    const list = (await api.get('/numbers')).body;
    assert.deepEqual(
      list.numbers.map((n: any) => n.id),
      Object.values(SEEDED_NUMBER_IDS),
    );
    list.numbers.forEach((n: any) => assertShape(n, NUMBER, looseConfig));
    assert.deepEqual([list.numbers[0].agent_name, list.numbers[0].business_name], ['Afspraken', 'Tandarts Jansen']);

    const created = await api.post('/numbers', {
      phone_number: '+31207654321',
      agent_id: SEEDED_ASSISTANT_IDS.reminders,
    });
    assert.equal(created.status, 201);
    assertShape(created.body.number, NUMBER, looseConfig);
    assert.equal(created.body.number.agent_name, 'Herinneringen');
    const id = created.body.number.id;
    const unlinked = await api.json('PATCH', `/numbers/${id}`, { agent_id: null, is_active: false });
    assert.deepEqual(
      [unlinked.body.number.agent_id, unlinked.body.number.agent_name, unlinked.body.number.is_active],
      [null, null, false],
    );
    assert.deepEqual((await api.get(`/numbers/${id}`)).body, unlinked.body);

    assert.equal((await api.post('/numbers', { phone_number: '+31207654321' })).status, 409);
    assert.equal((await api.post('/numbers', { phone_number: '020-7654321' })).body.param, 'phone_number');
    assert.equal((await api.post('/numbers', { phone_number: '+31207654322', agent_id: 'nope' })).status, 404);
    assert.deepEqual((await api.json('DELETE', `/numbers/${id}`)).body, { success: true });
    assert.equal((await api.get(`/numbers/${id}`)).status, 404);
  });

  it('GET /usage lists finished calls with offset pagination and totals', async () => {
    await api.control('scenario', { outcome: 'completed', ring_ms: 1_000, talk_ms: 30_000 });
    const ids = [await api.dial({ destination: '+31612345678', assistant_id: SEEDED_ASSISTANT_IDS.appointments })];
    ids.push(await api.dial({ destination: '+31612345679', assistant_id: SEEDED_ASSISTANT_IDS.reminders }));
    await pollUntil(
      () => api.get('/usage'),
      (r) => r.body.summary.total_calls === 2,
      { what: 'two usage logs' },
    );
    const { body } = await api.get('/usage?limit=1');
    assertShape(body, USAGE);
    assert.deepEqual(body.pagination, { total: 2, limit: 1, offset: 0 });
    assert.deepEqual(body.summary, { total_calls: 2, total_duration_seconds: 60, total_duration_minutes: 1 });
    assert.deepEqual(
      [body.logs[0].id, body.logs[0].duration_sec, body.logs[0].phone_number],
      [ids[1], 30, '+31201234568'],
    );
    assert.equal((await api.get('/usage?start_date=2999-01-01T00:00:00Z')).body.summary.total_calls, 0);
    assert.equal((await api.get('/usage?limit=-3')).status, 400);
  });
});
