import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HMSOVEREIGN_DEFAULT_API_KEY } from '@switchboard/simulators/hmsovereign';
import { pollUntil } from '@switchboard/simulators/testing';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** POST /v1/providers/:id/sync imports calls placed outside the gateway, twice without duplicates. */
describe('provider history sync', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 500 });
  });
  after(() => gw.close());

  const hms = () => sb.vendors.hmsovereign;
  const syncAndWait = async () => {
    const started = await api.post(`/v1/providers/${hms().connectionId}/sync`, {});
    assert.equal(started.status, 202, started.text);
    assert.equal(started.body.object, 'provider_sync');
    const connection = await pollUntil(
      async () => (await api.get(`/v1/providers/${hms().connectionId}`)).body,
      (c: any) => c.sync?.status !== 'running' && c.sync?.started_at === started.body.started_at,
      { timeoutMs: 15_000, intervalMs: 50, what: 'the sync to finish' },
    );
    assert.equal(connection.sync.status, 'succeeded', JSON.stringify(connection.sync));
    return connection.sync;
  };
  const callsOnConnection = async () =>
    (await api.get(`/v1/calls?connection_id=${hms().connectionId}&limit=200`)).body.data;

  it('imports what it does not know, matches what it does, and a second sync duplicates nothing', async () => {
    const placed = await api.post('/v1/calls', { to: '+15550130001', agent_id: sb.agentId, provider: 'hmsovereign' });
    assert.equal(placed.status, 201, placed.text);
    // Three calls placed at the vendor by someone else, with the vendor's own API.
    const outside = new Set<string>();
    for (const to of ['+15550130002', '+15550130003', '+15550130004']) {
      const res = await fetch(`${hms().baseUrl}/calls/outbound`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HMSOVEREIGN_DEFAULT_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          destination: to,
          assistant_id: hms().providerAgentId,
          number_id: hms().defaults.number_id,
        }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      outside.add(((await res.json()) as { call_id: string }).call_id);
    }

    const first = await syncAndWait();
    assert.equal(first.read, 4);
    assert.ok(first.pages >= 1);
    assert.equal(first.imported, 3);
    assert.equal(first.matched, 1);
    const calls = await callsOnConnection();
    assert.equal(calls.length, 4);
    const imported = calls.filter((c: any) => outside.has(c.provider_call_id));
    assert.equal(imported.length, 3);
    for (const c of imported) {
      assert.equal(c.direction, 'outbound');
      assert.equal(c.agent_id, null, 'placed outside the gateway: no logical agent');
      const created = (await api.get(`/v1/calls/${c.id}/events`)).body.data[0];
      assert.equal(created.type, 'call.created');
      assert.equal(created.data.provider.source, 'sync');
    }

    const second = await syncAndWait();
    assert.equal(second.read, 4);
    assert.equal(second.imported, 0);
    assert.equal(second.matched, 4);
    assert.deepEqual((await callsOnConnection()).map((c: any) => c.id).sort(), calls.map((c: any) => c.id).sort());
  });

  it('answers 404 for an unknown connection and 422 for a bad since', async () => {
    assert.equal((await api.post('/v1/providers/con_01jz0000000000000000000000/sync', {})).status, 404);
    const bad = await api.post(`/v1/providers/${hms().connectionId}/sync`, { since: 'yesterday' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.details[0].field, 'since');
  });
});
