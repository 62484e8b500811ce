import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { HMSOVEREIGN_DEFAULT_API_KEY } from '@switchboard/simulators/hmsovereign';
import { KLEN_DEFAULT_API_KEY } from '@switchboard/simulators/klen';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, waitForCall } from '../support/calls';
import type { CountingProxy, ProxiedRequest } from '../support/counting-proxy';
import { startCountingProxy } from '../support/counting-proxy';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * No call stays unknown or non-terminal forever: with webhooks lost, a vendor that forgot a
 * call, a create whose outcome is unknown, or a vendor that cannot be asked at all, the
 * reconciler settles every call with an explicit end and an event.
 */
describe('reconciler', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  let n = 0;
  const number = () => `+1555012${String(++n).padStart(4, '0')}`;

  before(async () => {
    gw = await startTestGateway({ RECONCILE_AFTER_SECONDS: '1', RECONCILE_GIVE_UP_AFTER_SECONDS: '4' });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 200, talk_ms: 1_000 });
  });
  const proxies: CountingProxy[] = [];
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await gw.close();
  });

  const place = async (vendor: keyof Sandbox['vendors'], to: string, expectStatus = 201) => {
    const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, provider: vendor });
    assert.equal(res.status, expectStatus, res.text);
    return expectStatus === 201 ? res.body : { id: res.body.error.details.find((d: any) => d.call_id).call_id };
  };
  /**
   * A fresh connection to a simulator through a loopback proxy, and an agent bound to it, so
   * a test can make the vendor's call list fail while creates go through: the dispatcher
   * then cannot settle an ambiguous create, and it is left to the reconciler.
   */
  const behindProxy = async (vendor: 'hmsovereign' | 'klen', apiKey: string) => {
    const base = new URL(sb.vendors[vendor].baseUrl);
    const proxy = await startCountingProxy(base.origin);
    proxies.push(proxy);
    const conn = await api.post('/v1/providers', {
      provider: vendor,
      name: `${vendor} behind a proxy ${n}`,
      credentials: { api_key: apiKey },
      base_url: `${proxy.origin}${base.pathname}`,
      defaults: sb.vendors[vendor].defaults,
      // The proxy counts what the reconciler asks; a credential check would be one more.
      verify: false,
    });
    assert.equal(conn.status, 201, conn.text);
    const agent = await api.post('/v1/agents', {
      name: `proxied ${vendor} ${n}`,
      bindings: [{ connection_id: conn.body.id, provider_agent_id: sb.vendors[vendor].providerAgentId }],
    });
    assert.equal(agent.status, 201, agent.text);
    return { proxy, agentId: agent.body.id as string };
  };
  const failCallReads = (when: () => boolean) => (req: ProxiedRequest, res: ServerResponse) => {
    if (!when() || req.method !== 'GET' || !req.path.includes('/calls')) return false;
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable","message":"try later"}');
    return true;
  };
  const placeUnsettled = async (agentId: string, to: string) => {
    const res = await api.post('/v1/calls', { to, agent_id: agentId });
    assert.equal(res.status, 504, res.text);
    return res.body.error.details.find((d: any) => d.call_id).call_id as string;
  };
  const lastEvent = async (callId: string) => (await api.get(`/v1/calls/${callId}/events`)).body.data.at(-1);

  for (const vendor of ['kalem', 'klen', 'kaicalls', 'hmsovereign'] as const) {
    it(`${vendor}: every webhook dropped — the reconciler reads the final state from the vendor`, async () => {
      const to = number();
      await sb.vendors[vendor].sim.post('/__sim/scenario', { to, webhooks: 'drop', outcome: 'busy', ring_ms: 200 });
      const call = await place(vendor, to);
      const done = await waitForCall(
        api,
        call.id,
        (c) => c.status !== 'queued' && c.status !== 'ringing' && c.status !== 'in_progress',
        'the call to be reconciled',
        20_000,
      );
      // Klen's and KaiCalls' REST views say only `failed`; the reason was in the lost webhook.
      assert.equal(done.status, ['klen', 'kaicalls'].includes(vendor) ? 'failed' : 'busy');
      const ended = (await api.get(`/v1/events?call_id=${call.id}&type=call.${done.status}`)).body.data;
      assert.equal(ended.length, 1);
      assert.equal(ended[0].data.provider.source, 'reconcile');
    });
  }

  it('a call its vendor no longer knows (404) is settled as lost, with an event', async () => {
    const to = number();
    await sb.vendors.kalem.sim.post('/__sim/scenario', { to, webhooks: 'drop', ring_ms: 3_600_000 });
    const call = await place('kalem', to);
    assert.equal((await sb.vendors.kalem.sim.post('/__sim/reset')).status, 200); // the vendor forgets every call
    await sb.vendors.kalem.sim.post('/__sim/config', { rate_limits: false });
    const done = await waitForCall(
      api,
      call.id,
      (c) => c.status === 'failed',
      'the forgotten call to be settled',
      20_000,
    );
    assert.equal(done.end_reason, 'lost');
    assert.equal(done.error.code, 'lost');
    const last = await lastEvent(call.id);
    assert.equal(last.type, 'call.failed');
    assert.equal(last.data.previous_status, call.status);
  });

  it('a create the vendor never received (reset before it acted), unsettled at create time, is looked up, found absent twice and settled as not placed', async () => {
    const to = number();
    const { proxy, agentId } = await behindProxy('hmsovereign', HMSOVEREIGN_DEFAULT_API_KEY);
    let listsFail = true;
    proxy.answer = failCallReads(() => listsFail);
    assert.equal((await sb.vendors.hmsovereign.sim.post('/__sim/faults', { mode: 'reset', count: 1 })).status, 200);
    const callId = await placeUnsettled(agentId, to);
    listsFail = false;
    const done = await waitForCall(
      api,
      callId,
      (c) => c.status === 'failed',
      'the unplaced call to be settled',
      20_000,
    );
    assert.equal(done.end_reason, 'not_placed');
    assert.equal(done.provider_call_id, null);
    assert.deepEqual(
      done.attempts.map((a: any) => a.outcome),
      ['ambiguous'],
    );
    const dialed = (await sb.vendors.hmsovereign.sim.get('/__sim/calls')).body.calls.filter(
      (c: any) => c.destination === to,
    );
    assert.equal(dialed.length, 0, 'nothing was dialed');
  });

  it('a vendor that cannot be asked at all: the unknown outcome is settled as lost past the bound', async () => {
    const to = number();
    const sim = sb.vendors.klen.sim;
    const { proxy, agentId } = await behindProxy('klen', KLEN_DEFAULT_API_KEY);
    proxy.answer = failCallReads(() => true);
    await sim.post('/__sim/scenario', { to, webhooks: 'drop', ring_ms: 3_600_000 });
    assert.equal((await sim.post('/__sim/faults', { mode: 'reset', after_create: true, count: 1 })).status, 200);
    const callId = await placeUnsettled(agentId, to);
    // From now on every request to the vendor fails: nothing can be learned.
    assert.equal((await sim.post('/__sim/faults', { mode: 'error', status: 503 })).status, 200);
    try {
      const done = await waitForCall(
        api,
        callId,
        (c) => c.status === 'failed',
        'the unknown call to be given up',
        20_000,
      );
      assert.equal(done.end_reason, 'lost');
      assert.ok(Date.now() - Date.parse(done.created_at) >= 4_000, 'not before the bound');
    } finally {
      await sim.post('/__sim/faults', { mode: 'none' });
    }
  });
});
