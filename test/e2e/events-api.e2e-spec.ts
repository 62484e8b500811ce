import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, configureSimulators, Sandbox, sandboxOf, waitForTerminal } from '../support/calls';
import { client } from '../support/http';
import { startTestGateway, TestGateway } from '../support/test-gateway';

/** GET /v1/events: the unified log, ascending by sequence, resumable with after= or the cursor. */
describe('GET /v1/events', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  const callIds: string[] = [];

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
    for (const to of ['+15550140001', '+15550140002']) {
      const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, provider: 'hmsovereign' });
      assert.equal(res.status, 201, res.text);
      callIds.push(res.body.id);
    }
    for (const id of callIds) await waitForTerminal(api, id);
  });
  after(() => gw.close());

  it('pages the whole log with after=, ascending, each event once, and the cursor resumes the same way', async () => {
    const all = (await api.get('/v1/events?limit=200')).body;
    assert.equal(all.has_more, false);
    const sequences = all.data.map((e: any) => e.sequence);
    assert.deepEqual([...sequences].sort((a, b) => a - b), sequences);
    assert.ok(all.data.length >= 6, `${all.data.length} events`);

    const byAfter: string[] = [];
    let after = 0;
    for (;;) {
      const page = (await api.get(`/v1/events?after=${after}&limit=2`)).body;
      byAfter.push(...page.data.map((e: any) => e.id));
      if (!page.has_more) break;
      after = page.data.at(-1).sequence;
      assert.equal(page.next_cursor, String(after));
    }
    assert.deepEqual(byAfter, all.data.map((e: any) => e.id));

    const byCursor: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await api.get(`/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      byCursor.push(...page.data.map((e: any) => e.id));
      cursor = page.has_more ? page.next_cursor : null;
    } while (cursor);
    assert.deepEqual(byCursor, byAfter);

    const tail = (await api.get(`/v1/events?after=${sequences.at(-1)}`)).body;
    assert.deepEqual(tail.data, []);
    assert.equal(tail.next_cursor, String(sequences.at(-1)), 'an empty page still says where to resume');
  });

  it('filters by type (with call.* wildcards) and by call', async () => {
    const created = (await api.get('/v1/events?type=call.created')).body.data;
    assert.deepEqual(created.map((e: any) => e.call_id).sort(), [...callIds].sort());
    const two = (await api.get('/v1/events?type=call.created,call.completed')).body.data;
    assert.ok(two.every((e: any) => ['call.created', 'call.completed'].includes(e.type)));
    assert.equal(two.filter((e: any) => e.type === 'call.completed').length, 2);
    const wildcard = (await api.get('/v1/events?type=call.*&limit=200')).body.data.length;
    assert.equal(wildcard, (await api.get('/v1/events?limit=200')).body.data.length);
    const one = (await api.get(`/v1/events?call_id=${callIds[0]}`)).body.data;
    assert.ok(one.length >= 3 && one.every((e: any) => e.call_id === callIds[0]));
    assert.deepEqual(one, (await api.get(`/v1/calls/${callIds[0]}/events`)).body.data);
    const event = (await api.get(`/v1/events/${one[0].id}`)).body;
    assert.deepEqual(event, one[0]);
    assert.equal((await api.get('/v1/events/evt_01jz0000000000000000000000')).status, 404);
  });

  it('refuses bad parameters with one detail per field, and needs events:read', async () => {
    const bad = await api.get('/v1/events?after=-1&limit=0&type=CALL%20X&cursor=abc');
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.body.error.details.map((d: any) => d.field).sort(), ['after', 'cursor', 'limit', 'type']);
    assert.equal((await api.get('/v1/events', { key: null })).status, 401);
    const key = await api.post('/v1/keys', { name: 'calls only', scopes: ['calls:read'] });
    assert.equal(key.status, 201, key.text);
    assert.equal((await api.get('/v1/events', { key: key.body.key })).status, 403);
  });
});
