import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import { sandboxSetup, sim } from '../support/calls';

/**
 * POST /v1/agents with `provision` creates vendor agents before the logical agent is saved.
 * When a later vendor fails, the ones already made must not linger unknown: deleted where the
 * vendor can delete agents (HMS Sovereign), named in the error where it cannot (KaiCalls).
 */
describe('agent provisioning that fails midway', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let byVendor: Record<string, any>;
  let simOrigin: (vendor: string) => string;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    ({ byVendor, simOrigin } = await sandboxSetup(api));
    for (const vendor of ['kaicalls', 'hmsovereign']) await sim(simOrigin(vendor), 'config', { rate_limits: false });
  });
  beforeEach(async () => {
    for (const vendor of ['kaicalls', 'hmsovereign']) await sim(simOrigin(vendor), 'faults', { mode: 'none' });
  });
  after(() => gw.close());

  const vendorAgentNames = async (vendor: string): Promise<string[]> => {
    const res = await api.get(`/v1/providers/${byVendor[vendor].id}/agents`);
    assert.equal(res.status, 200, res.text);
    return res.body.data.map((a: any) => a.name);
  };
  const logicalAgentNames = async (): Promise<string[]> =>
    (await api.get('/v1/agents?limit=200')).body.data.map((a: any) => a.name);

  it('deletes the HMS Sovereign assistant again when KaiCalls then fails', async () => {
    await sim(simOrigin('kaicalls'), 'faults', { mode: 'error', status: 500 });
    const res = await api.post('/v1/agents', {
      name: 'Undo at HMS',
      system_prompt: 'x',
      provision: [byVendor.hmsovereign.id, byVendor.kaicalls.id],
    });
    await sim(simOrigin('kaicalls'), 'faults', { mode: 'none' });

    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.error.code, 'provider_error');
    assert.equal(res.body.error.details[0].provider, 'kaicalls');
    assert.ok(!res.body.error.details.some((d: any) => d.left_at_vendor), res.text);
    assert.ok(!(await vendorAgentNames('hmsovereign')).includes('Undo at HMS'), 'the HMS assistant was deleted');
    assert.ok(!(await logicalAgentNames()).includes('Undo at HMS'));
  });

  it('names the KaiCalls agent it cannot delete in the error when HMS Sovereign then fails', async () => {
    await sim(simOrigin('hmsovereign'), 'faults', { mode: 'error', status: 500 });
    const res = await api.post('/v1/agents', {
      name: 'Left at KaiCalls',
      system_prompt: 'x',
      provision: [byVendor.kaicalls.id, byVendor.hmsovereign.id],
    });
    await sim(simOrigin('hmsovereign'), 'faults', { mode: 'none' });

    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.error.details[0].provider, 'hmsovereign');
    const left = res.body.error.details.filter((d: any) => d.left_at_vendor).map((d: any) => d.left_at_vendor);
    assert.equal(left.length, 1, res.text);
    assert.equal(left[0].connection_id, byVendor.kaicalls.id);
    assert.equal(left[0].provider, 'kaicalls');
    assert.match(left[0].reason, /cannot delete agents/);
    const atKaiCalls = (await api.get(`/v1/providers/${byVendor.kaicalls.id}/agents`)).body.data;
    const made = atKaiCalls.find((a: any) => a.provider_agent_id === left[0].provider_agent_id);
    assert.equal(made?.name, 'Left at KaiCalls', 'the id in the error is the agent really left at KaiCalls');
    assert.ok(!(await logicalAgentNames()).includes('Left at KaiCalls'));
  });
});
