import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../support/http';
import type { Api } from '../support/calls';
import { sandboxOf } from '../support/calls';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * Keys that name an object's prototype in a JSON body: `__proto__` (and `constructor` holding a
 * `prototype`) are refused by the JSON parser; a bare `prototype` or `constructor` key is
 * dropped before validation at any depth, so it is neither stored nor refused as unknown
 * (src/common/validation.ts, stripPrototypeKeys).
 */
describe('prototype keys in a body', () => {
  let gw: TestGateway;
  let api: Api;
  let agentId: string;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    agentId = (await sandboxOf(api)).agentId;
  });
  after(() => gw.close());

  const raw = (path: string, body: string) =>
    api.post(path, undefined, { rawBody: body, headers: { 'content-type': 'application/json' } });
  const callCount = async () => (await api.get('/v1/calls?limit=200')).body.data.length;

  it('__proto__ anywhere, or a constructor holding a prototype, is invalid JSON and stores nothing', async () => {
    const before = await callCount();
    for (const body of [
      `{"__proto__":{"admin":true},"to":"+15550160001","agent_id":"${agentId}"}`,
      `{"to":"+15550160001","agent_id":"${agentId}","metadata":{"__proto__":{"admin":true}}}`,
      `{"to":"+15550160001","agent_id":"${agentId}","constructor":{"prototype":{"admin":true}}}`,
    ]) {
      const res = await raw('/v1/calls', body);
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_json');
    }
    assert.equal(await callCount(), before, 'no call was placed');
  });

  it('a prototype or constructor key is dropped at every depth: the rest is validated and stored', async () => {
    const created = await raw(
      '/v1/calls',
      JSON.stringify({
        to: '+15550160002',
        agent_id: agentId,
        prototype: 'x',
        constructor: 'y',
        metadata: { plan: 'gold', prototype: '1', constructor: '2' },
        routing: { failover: false, constructor: { kept: false } },
      }),
    );
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.metadata, { plan: 'gold' });
    const read = await api.get(`/v1/calls/${created.body.id}`);
    assert.deepEqual(read.body.metadata, { plan: 'gold' });
  });

  it('an unknown key beside them is still refused by name', async () => {
    const before = await callCount();
    const res = await raw(
      '/v1/calls',
      JSON.stringify({ to: '+15550160003', agent_id: agentId, constructor: 1, colour: 'red' }),
    );
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(
      res.body.error.details.map((d: { field: string }) => d.field),
      ['colour'],
    );
    assert.equal(await callCount(), before, 'no call was placed');
  });

  it('the same on another body: an agent keeps its metadata without them', async () => {
    const res = await raw('/v1/agents', JSON.stringify({ name: 'proto', metadata: { prototype: '1', team: 'a' } }));
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.metadata, { team: 'a' });
  });
});
