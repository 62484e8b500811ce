import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import type { Sandbox } from '../support/calls';
import { configureSimulators, dialedBy, sandboxOf } from '../support/calls';

describe('Idempotency-Key on POST', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sb: Sandbox;
  const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
  });
  after(() => gw.close());

  it('replays the first response for the same key and body, and acts once', async () => {
    const body = { name: 'idempotent', scopes: ['calls:read'] };
    const first = await api.post('/v1/keys', body, withKey('keys-1'));
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const again = await api.post('/v1/keys', { scopes: ['calls:read'], name: 'idempotent' }, withKey('keys-1'));
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    const listed = await api.get('/v1/keys?limit=200');
    assert.equal(listed.body.data.filter((k: { name: string }) => k.name === 'idempotent').length, 1);
    // The stored first response holds the new key: it is kept encrypted, never in the clear.
    const stored = await gw.gateway.app
      .get(DataSource)
      .query(`SELECT response_body::text AS body FROM idempotency_keys WHERE key = 'keys-1'`);
    assert.equal(stored.length, 1);
    assert.ok(!stored[0].body.includes(first.body.key), 'the shown-once key is not stored in the clear');
  });

  it('refuses the same key with a different body', async () => {
    await api.post('/v1/keys', { name: 'a', scopes: ['calls:read'] }, withKey('keys-2'));
    const other = await api.post('/v1/keys', { name: 'b', scopes: ['calls:read'] }, withKey('keys-2'));
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
  });

  it('releases the key of a request refused with a 4xx, so a corrected retry goes through', async () => {
    const bad = await api.post('/v1/keys', { name: '', scopes: ['calls:read'] }, withKey('keys-3'));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'validation_failed');
    const fixed = await api.post('/v1/keys', { name: 'fixed', scopes: ['calls:read'] }, withKey('keys-3'));
    assert.equal(fixed.status, 201);
  });

  it('keeps keys per gateway key', async () => {
    const other = (await api.post('/v1/keys', { name: 'other writer', scopes: ['keys:write'] })).body.key;
    const mine = await api.post('/v1/keys', { name: 'mine', scopes: ['calls:read'] }, withKey('shared-name'));
    const theirs = await client(gw.url, other).post(
      '/v1/keys',
      { name: 'theirs', scopes: ['keys:write'] },
      withKey('shared-name'),
    );
    assert.equal(mine.status, 201);
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.body.id, mine.body.id);
  });

  it('refuses a malformed key', async () => {
    const res = await api.post('/v1/keys', { name: 'x', scopes: ['calls:read'] }, withKey('x'.repeat(256)));
    assert.equal(res.status, 422);
    assert.equal(res.body.error.details[0].field, 'Idempotency-Key');
  });

  it('never dials twice when a call create is retried', async () => {
    const body = { to: '+15550107001', agent_id: sb.agentId, provider: 'kalem' };
    const first = await api.post('/v1/calls', body, withKey('call-1'));
    assert.equal(first.status, 201, first.text);
    const retry = await api.post('/v1/calls', body, withKey('call-1'));
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body.id, first.body.id);
    assert.equal((await dialedBy(sb.vendors.kalem, (d) => d.to_number === '+15550107001')).length, 1);
  });

  it("stores a create's response on its key in the vendor answer's own statement; a batch's after its last call; both replay exactly", async () => {
    const db = gw.gateway.app.get(DataSource);
    // The simulator's own webhooks are dropped for this number: its first one is sent as the
    // call is created, and one that reaches the gateway before the answer changes the call,
    // so the answer takes the general path and the key is completed by a statement of its own.
    const quiet = await sb.vendors.kalem.sim.post('/__sim/scenario', { to: '+15550107011', webhooks: 'drop' });
    assert.equal(quiet.status, 200);
    const single = await api.post(
      '/v1/calls',
      { to: '+15550107011', agent_id: sb.agentId, provider: 'kalem' },
      withKey('call-one-statement'),
    );
    assert.equal(single.status, 201, single.text);
    // One transaction wrote both: the call's answer (its vendor id) and the key's response.
    const [same] = (await db.query(
      `SELECT k.state, k.response_status, k.xmin::text = c.xmin::text AS one_statement
       FROM idempotency_keys k, calls c WHERE k.key = $1 AND c.id = $2`,
      ['call-one-statement', single.body.id],
    )) as { state: string; response_status: number; one_statement: boolean }[];
    assert.deepEqual(same, { state: 'done', response_status: 201, one_statement: true });
    const replay = await api.post(
      '/v1/calls',
      { to: '+15550107011', agent_id: sb.agentId, provider: 'kalem' },
      withKey('call-one-statement'),
    );
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, single.body);

    const batchBody = { to: ['+15550107012', '+15550107013'], agent_id: sb.agentId, provider: 'kalem' };
    const batch = await api.post('/v1/calls', batchBody, withKey('call-batch-key'));
    assert.equal(batch.status, 201, batch.text);
    assert.equal(batch.body.data.length, 2);
    const batchReplay = await api.post('/v1/calls', batchBody, withKey('call-batch-key'));
    assert.equal(batchReplay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(batchReplay.body, batch.body);
    assert.equal((await dialedBy(sb.vendors.kalem, (d) => d.to_number === '+15550107011')).length, 1);
    assert.equal((await dialedBy(sb.vendors.kalem, (d) => d.to_number === '+15550107013')).length, 1);
  });

  it('keys a create as every POST: a refused body keeps no key, a malformed key is refused, another body is refused (the create opens the gate itself, without the interceptor)', async () => {
    const body = { to: '+15550107005', agent_id: sb.agentId, provider: 'kalem' };
    const bad = await api.post('/v1/calls', { ...body, to: 'not a number' }, withKey('call-5'));
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.body.error.code, 'validation_failed');
    assert.equal(
      Number(
        (await gw.gateway.app.get(DataSource).query(`SELECT count(*) FROM idempotency_keys WHERE key = 'call-5'`))[0]
          .count,
      ),
      0,
    );
    const fixed = await api.post('/v1/calls', body, withKey('call-5'));
    assert.equal(fixed.status, 201, fixed.text);
    assert.equal(fixed.headers.get('idempotent-replayed'), null);
    const other = await api.post('/v1/calls', { ...body, to: '+15550107006' }, withKey('call-5'));
    assert.equal(other.status, 422, other.text);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
    const malformed = await api.post('/v1/calls', body, withKey('two words'));
    assert.equal(malformed.status, 422, malformed.text);
    assert.equal(malformed.body.error.details[0].field, 'Idempotency-Key');
    assert.equal((await dialedBy(sb.vendors.kalem, (d) => d.to_number === '+15550107005')).length, 1);
  });

  it('answers a concurrent duplicate with 409 idempotency_in_progress while the first is still running', async () => {
    // The vendor takes 1.5 s to answer the first create.
    assert.equal(
      (await sb.vendors.kalem.sim.post('/__sim/faults', { mode: 'slow', delay_ms: 1500, count: 1 })).status,
      200,
    );
    const body = { to: '+15550107002', agent_id: sb.agentId, provider: 'kalem' };
    const [a, b] = await Promise.all([
      api.post('/v1/calls', body, withKey('call-2')),
      // Sent just after the first has claimed the key.
      new Promise((r) => setImmediate(r)).then(() => api.post('/v1/calls', body, withKey('call-2'))),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [201, 409], `${a.text} | ${b.text}`);
    const conflict = a.status === 409 ? a : b;
    assert.equal(conflict.body.error.code, 'idempotency_in_progress');
    assert.equal((await dialedBy(sb.vendors.kalem, (d) => d.to_number === '+15550107002')).length, 1);
  });

  it('settles an ambiguous create at its vendor before answering: found there, it is the call; the retry replays it and does not dial', async () => {
    // The vendor creates the call, then the connection is reset: the outcome is unknown until looked up.
    assert.equal(
      (await sb.vendors.klen.sim.post('/__sim/faults', { mode: 'reset', after_create: true, count: 1 })).status,
      200,
    );
    const body = { to: '+15550107003', agent_id: sb.agentId, provider: 'klen' };
    const first = await api.post('/v1/calls', body, withKey('call-3'));
    assert.equal(first.status, 201, first.text);
    assert.ok(first.body.provider_call_id, 'the vendor call was found by number and time');
    assert.deepEqual(
      first.body.attempts.map((a: { outcome: string; error_code: string | null }) => [a.outcome, a.error_code]),
      [['created', 'answer_lost']],
    );
    const retry = await api.post('/v1/calls', body, withKey('call-3'));
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, first.body);
    assert.equal(
      (
        await dialedBy(
          sb.vendors.klen,
          (d) => d.request?.phone_number === '+15550107003' || d.phone_number === '+15550107003',
        )
      ).length,
      1,
    );
  });

  it('applies to the POSTs of every controller (it is attached per POST route, not globally) and to nothing else', async () => {
    const agent = { name: 'idempotent agent' };
    const first = await api.post('/v1/agents', agent, withKey('agents-1'));
    assert.equal(first.status, 201, first.text);
    const again = await api.post('/v1/agents', agent, withKey('agents-1'));
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.id, first.body.id);
    // Loopback is a valid target in sandbox mode; nothing is delivered within this test.
    const endpoint = { url: 'http://127.0.0.1:9/switchboard' };
    const made = await api.post('/v1/webhook-endpoints', endpoint, withKey('endpoints-1'));
    assert.equal(made.status, 201, made.text);
    assert.equal(
      (await api.post('/v1/webhook-endpoints', endpoint, withKey('endpoints-1'))).headers.get('idempotent-replayed'),
      'true',
    );
    // A GET with the header is not an idempotent request: answered as usual, never replayed.
    const read = await api.get(`/v1/agents/${first.body.id}`, withKey('agents-1'));
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('idempotent-replayed'), null);
  });
});
