import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { startKalemSimulator } from './index';
import { assertShape, DOC, KalemApi, TERMINAL } from './kalem.test-support';

describe('Kalem simulator: GET /api/v1/calls (Laravel paginator, filters)', () => {
  let sim: RunningSimulator;
  let api: KalemApi;
  const ids: Record<string, string> = {};
  const list = async (query = '') => (await api.request('GET', `/api/v1/calls${query}`)).body;
  const listIds = async (query: string) => (await list(query)).data.map((c: { call_id: string }) => c.call_id).sort();

  before(async () => {
    sim = await startKalemSimulator({ speed: 200 });
    api = new KalemApi(sim);
    await api.control('POST', 'config', { rate_limits: false });
    await api.control('POST', 'scenario', { ring_ms: 1_000, talk_ms: 2_000 });
    await api.control('POST', 'scenario', { to: '+15550007777', ring_ms: 0, talk_ms: 600_000 });
    ids.a = await api.dial({ to_number: '+15550001111' });
    ids.b = await api.dial({ to_number: '+15550002221', agent_id: 2 });
    ids.c = await api.dial({ to_number: '+15550003331', number_id: 2 });
    for (const id of [ids.a, ids.b, ids.c]) await api.waitFor(id, TERMINAL);
    ids.live = await api.dial({ to_number: '+15550007777' });
    await api.waitFor(ids.live, ['in_progress']);
  });
  after(() => sim.close());

  it('returns the data/links/meta envelope, newest first, per_page 15 by default', async () => {
    const page = await list();
    assertShape({ ...page, data: [] }, DOC.listPage, ['prev', 'next', 'from', 'to']);
    for (const call of page.data)
      assertShape(call, DOC.callObject, [
        'duration_seconds',
        'duration_minutes',
        'cost',
        'realtime_cost',
        'ended_at',
        'recording_url',
        'hangup_cause',
      ]);
    assert.deepEqual(
      page.data.map((c: { call_id: string }) => c.call_id),
      [ids.live, ids.c, ids.b, ids.a],
    );
    assert.deepEqual(page.meta, {
      current_page: 1,
      from: 1,
      last_page: 1,
      path: `${sim.url}/api/v1/calls`,
      per_page: 15,
      to: 4,
      total: 4,
    });
    assert.deepEqual(page.links, {
      first: `${sim.url}/api/v1/calls?page=1`,
      last: `${sim.url}/api/v1/calls?page=1`,
      prev: null,
      next: null,
    });
  });

  it('pages with page + per_page, and links keep the query string', async () => {
    const first = await list('?per_page=3');
    assert.equal(first.data.length, 3);
    assert.deepEqual(first.meta, {
      current_page: 1,
      from: 1,
      last_page: 2,
      path: `${sim.url}/api/v1/calls`,
      per_page: 3,
      to: 3,
      total: 4,
    });
    assert.equal(first.links.next, `${sim.url}/api/v1/calls?per_page=3&page=2`);
    const next = await fetch(first.links.next, { headers: { Authorization: `Bearer ${sim.apiKey}` } });
    const second = (await next.json()) as { data: { call_id: string }[]; links: Record<string, string | null> };
    assert.deepEqual(
      second.data.map((c: { call_id: string }) => c.call_id),
      [ids.a],
    );
    assert.equal(second.links.prev, `${sim.url}/api/v1/calls?per_page=3&page=1`);
    assert.equal(second.links.next, null);
    const beyond = await list('?per_page=3&page=9');
    assert.deepEqual([beyond.data, beyond.meta.from, beyond.meta.to], [[], null, null]);
  });

  it('filters by agent_id, number_id, direction, date range and search', async () => {
    assert.deepEqual(await listIds('?agent_id=2'), [ids.b]);
    assert.deepEqual(await listIds('?number_id=2'), [ids.c]);
    assert.equal((await listIds('?direction=outbound')).length, 4);
    assert.deepEqual(await listIds('?direction=inbound'), []);
    assert.deepEqual(await listIds('?search=0002221'), [ids.b]);
    assert.deepEqual(await listIds(`?search=${ids.c.slice(0, 8)}`), [ids.c]);
    assert.equal((await listIds(`?date_from=${new Date(Date.now() - 60_000).toISOString()}`)).length, 4);
    assert.deepEqual(await listIds('?date_from=2999-01-01'), []);
    assert.deepEqual(await listIds('?date_to=2000-01-01'), []);
    assert.equal((await listIds(`?date_to=${new Date().toISOString().slice(0, 10)}`)).length, 4);
  });

  it('filters by status in the documented filter vocabulary (in-progress, cancelled) and the object spelling', async () => {
    assert.deepEqual(await listIds('?status=in-progress'), [ids.live]);
    assert.deepEqual(await listIds('?status=in_progress'), [ids.live]);
    assert.equal((await listIds('?status=completed')).length, 3);
    assert.deepEqual(await listIds('?status=cancelled'), []);
    assert.deepEqual(await listIds('?status=pending'), []);
  });

  it('answers bad filters with Laravel 422s', async () => {
    const cases: [string, string][] = [
      ['?per_page=101', 'per_page'],
      ['?per_page=0', 'per_page'],
      ['?status=no_answer', 'status'],
      ['?direction=sideways', 'direction'],
      ['?agent_id=abc', 'agent_id'],
      ['?date_from=yesterday', 'date_from'],
    ];
    for (const [query, field] of cases) {
      const response = await api.request('GET', `/api/v1/calls${query}`);
      assert.equal(response.status, 422, query);
      assertShape(response.body, { message: '', errors: { [field]: [''] } });
    }
  });
});
