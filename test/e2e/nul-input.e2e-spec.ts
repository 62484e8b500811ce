import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../support/http';
import type { Api } from '../support/calls';
import { sandboxOf } from '../support/calls';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** A NUL character (or an unpaired surrogate) anywhere in a body or query is a 422 naming the field; nothing is stored. */
describe('NUL characters in input', () => {
  let gw: TestGateway;
  let api: Api;
  let agentId: string;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    agentId = (await sandboxOf(api)).agentId;
  });
  after(() => gw.close());

  const expect422 = (res: { status: number; body: any; text: string }, fields: string[]) => {
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(
      res.body.error.details.map((d: any) => d.field),
      fields,
    );
  };

  it('in bodies and queries of every kind of request', async () => {
    const agents = (await api.get('/v1/agents?limit=200')).body.data.length;
    expect422(await api.post('/v1/agents', { name: 'a\u0000b' }), ['name']);
    expect422(await api.post('/v1/agents', { name: 'ok', metadata: { plan: 'x\u0000' } }), ['metadata.plan']);
    expect422(await api.post('/v1/calls', { to: ['+15550150001', '+1555\u00000150002'], agent_id: agentId }), [
      'to[1]',
    ]);
    expect422(await api.post('/v1/keys', { name: '\u0000', scopes: ['calls:read'] }), ['name']);
    expect422(await api.patch(`/v1/agents/${agentId}`, { first_message: 'hi\u0000' }), ['first_message']);
    expect422(await api.get('/v1/calls?q=%00'), ['q']);
    expect422(await api.get('/v1/events?call_id=%00'), ['call_id']);
    assert.equal((await api.get('/v1/agents?limit=200')).body.data.length, agents, 'no agent was stored');
    assert.equal((await api.get('/v1/calls?limit=200')).body.data.length, 0, 'no call was placed');
  });

  it('an unpaired surrogate, which JSON can carry but jsonb cannot store, is refused the same way', async () => {
    const calls = (await api.get('/v1/calls?limit=200')).body.data.length;
    // Sent as the JSON escape: the client's own encoder would replace a lone surrogate.
    const raw = (body: string) =>
      api.post('/v1/calls', undefined, { rawBody: body, headers: { 'content-type': 'application/json' } });
    expect422(await raw(`{"to":"+15550150003","agent_id":"${agentId}","first_message":"\\ud800"}`), ['first_message']);
    expect422(await raw(`{"to":"+15550150003","agent_id":"${agentId}","metadata":{"plan":"\\udc00x"}}`), [
      'metadata.plan',
    ]);
    const paired = await raw(`{"to":"+15550150003","agent_id":"${agentId}","first_message":"\\ud83d\\udcde"}`);
    assert.equal(paired.status, 201, paired.text);
    assert.equal((await api.get('/v1/calls?limit=200')).body.data.length, calls + 1, 'only the paired one was placed');
  });

  it('under an Idempotency-Key the refusal is not stored: the corrected retry succeeds', async () => {
    const headers = { 'idempotency-key': 'nul-retry-1' };
    expect422(await api.post('/v1/agents', { name: 'a\u0000b' }, { headers }), ['name']);
    const retry = await api.post('/v1/agents', { name: 'ab' }, { headers });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
  });
});
