import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, waitForCall } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** GET /v1/events: the unified log, ascending by sequence, resumable with after= or the cursor. */
describe('GET /v1/events', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  const callIds: string[] = [];

  before(async () => {
    // No final vendor read: once HMS's end-of-call report is in, nothing more happens to these calls.
    gw = await startTestGateway({ RECONCILE_FINAL_READ_SECONDS: '3600' });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
    for (const to of ['+15550140001', '+15550140002']) {
      const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, provider: 'hmsovereign' });
      assert.equal(res.status, 201, res.text);
      callIds.push(res.body.id);
    }
    for (const id of callIds)
      await waitForCall(
        api,
        id,
        (c) => c.status === 'completed' && c.summary !== null && c.recording_url !== null,
        `call ${id} and its report`,
      );
  });
  after(() => gw.close());

  it('pages the whole log with after=, ascending, each event once, and the cursor resumes the same way', async () => {
    const all = (await api.get('/v1/events?limit=200')).body;
    assert.equal(all.has_more, false);
    const sequences = all.data.map((e: any) => e.sequence);
    assert.deepEqual(
      [...sequences].sort((a, b) => a - b),
      sequences,
    );
    assert.ok(all.data.length >= 6, `${all.data.length} events`);

    // Post-call webhooks may still be arriving: compare up to the last event of the first read.
    const last = sequences.at(-1);
    const upToLast = (events: any[]) => events.filter((e) => e.sequence <= last).map((e: any) => e.id);

    const byAfter: any[] = [];
    let after = 0;
    while (!byAfter.some((e) => e.sequence >= last)) {
      const page = (await api.get(`/v1/events?after=${after}&limit=2`)).body;
      byAfter.push(...page.data);
      if (!page.has_more) break;
      after = page.data.at(-1).sequence;
      assert.equal(page.next_cursor, String(after));
    }
    assert.deepEqual(
      upToLast(byAfter),
      all.data.map((e: any) => e.id),
    );

    const byCursor: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await api.get(`/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      byCursor.push(...page.data);
      cursor = page.has_more && !byCursor.some((e) => e.sequence >= last) ? page.next_cursor : null;
    } while (cursor);
    assert.deepEqual(upToLast(byCursor), upToLast(byAfter));

    const end = (await api.get('/v1/events?limit=200')).body.data.at(-1).sequence;
    const tail = (await api.get(`/v1/events?after=${end}`)).body;
    assert.deepEqual(tail.data, []);
    assert.equal(tail.next_cursor, String(end), 'an empty page still says where to resume');
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
