import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { HMSOVEREIGN_DEFAULT_API_KEY } from '@switchboard/simulators/hmsovereign';
import { KALEM_DEFAULT_API_KEY } from '@switchboard/simulators/kalem';
import { pollUntil } from '@switchboard/simulators/testing';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, TERMINAL_STATUSES, waitForCall } from '../support/calls';
import type { CountingProxy, ProxiedRequest } from '../support/counting-proxy';
import { startCountingProxy } from '../support/counting-proxy';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * A call must always have a way to end. Each case here starts from a call the gateway
 * cannot finish on its own today — a create whose outcome is unknown, a sandbox call whose
 * vendor restarted empty, a stale call that blocks deleting its connection — and drives it
 * through the public API (or the reconciler) to a final status.
 */

const isTerminal = (status: string) => (TERMINAL_STATUSES as readonly string[]).includes(status);
let n = 0;
const number = () => `+1555013${String(++n).padStart(4, '0')}`;

/** Calls to the vendor's call list and reads fail while `when()` holds; creates go through. */
const failCallReads = (when: () => boolean) => (req: ProxiedRequest, res: ServerResponse) => {
  if (!when() || req.method !== 'GET' || !req.path.includes('/calls')) return false;
  res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable","message":"try later"}');
  return true;
};

describe('stranded calls: cancel, delete and provider deletion settle what the vendor can tell', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  const proxies: CountingProxy[] = [];

  before(async () => {
    // The reconciler stays out of the way: every ending here comes from a client request.
    gw = await startTestGateway({ RECONCILE_AFTER_SECONDS: '3600', ROUTING_ABSENT_CONFIRM_MS: '50' });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 200, talk_ms: 1_000 });
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await gw.close();
  });

  /** A connection to a simulator through a proxy the test controls, and an agent bound to it. */
  const behindProxy = async (vendor: 'hmsovereign' | 'kalem', apiKey: string) => {
    const base = new URL(sb.vendors[vendor].baseUrl);
    const proxy = await startCountingProxy(base.origin);
    proxies.push(proxy);
    const conn = await api.post('/v1/providers', {
      provider: vendor,
      name: `stranded ${vendor} ${++n}`,
      credentials: { api_key: apiKey },
      base_url: `${proxy.origin}${base.pathname}`,
      defaults: sb.vendors[vendor].defaults,
    });
    assert.equal(conn.status, 201, conn.text);
    const agent = await api.post('/v1/agents', {
      name: `stranded ${vendor} ${n}`,
      bindings: [{ connection_id: conn.body.id, provider_agent_id: sb.vendors[vendor].providerAgentId }],
    });
    assert.equal(agent.status, 201, agent.text);
    return { proxy, connectionId: conn.body.id as string, agentId: agent.body.id as string };
  };

  /** A create the vendor's call list cannot settle: 504, the call left `queued` with an ambiguous attempt. */
  const placeUnknown = async (agentId: string, to: string) => {
    const res = await api.post('/v1/calls', { to, agent_id: agentId });
    assert.equal(res.status, 504, res.text);
    const callId = res.body.error.details.find((d: any) => d.call_id).call_id as string;
    const call = (await api.get(`/v1/calls/${callId}`)).body;
    assert.equal(call.status, 'queued');
    assert.equal(call.provider_call_id, null);
    assert.deepEqual(
      call.attempts.map((a: any) => a.outcome),
      ['ambiguous'],
    );
    return callId;
  };
  const events = async (callId: string) => (await api.get(`/v1/calls/${callId}/events`)).body.data as any[];

  it('(a) an unknown create the vendor cannot tell yet: cancel and delete say when it settles, not "use the other one"; once the vendor can tell, cancel settles it as canceled and delete works', async () => {
    const hms = sb.vendors.hmsovereign.sim;
    const { proxy, agentId } = await behindProxy('hmsovereign', HMSOVEREIGN_DEFAULT_API_KEY);
    let readsFail = true;
    proxy.answer = failCallReads(() => readsFail);
    // Reset before the vendor acted: nothing is ever dialed.
    assert.equal((await hms.post('/__sim/faults', { mode: 'reset', count: 1 })).status, 200);
    const to = number();
    const callId = await placeUnknown(agentId, to);

    const cancel = await api.post(`/v1/calls/${callId}/cancel`);
    assert.equal(cancel.status, 409, cancel.text);
    assert.match(cancel.body.error.message, /still unknown/);
    assert.match(cancel.body.error.message, /reconciler .* settles the call by \d{4}-\d{2}-\d{2}T/);
    assert.doesNotMatch(cancel.body.error.message, /delete/i);
    const del = await api.delete(`/v1/calls/${callId}`);
    assert.equal(del.status, 409, del.text);
    assert.match(del.body.error.message, /still unknown/);
    assert.doesNotMatch(del.body.error.message, /cancel/i);
    assert.equal((await api.get(`/v1/calls/${callId}`)).body.status, 'queued', 'refusals change nothing');

    readsFail = false;
    const canceled = await api.post(`/v1/calls/${callId}/cancel`);
    assert.equal(canceled.status, 200, canceled.text);
    assert.equal(canceled.body.status, 'canceled');
    assert.equal(canceled.body.end_reason, 'canceled');
    assert.equal(canceled.body.provider_end_reason, null);
    assert.equal(canceled.body.error, null);
    assert.equal((await events(callId)).at(-1).type, 'call.canceled');
    const dialed = (await hms.get('/__sim/calls')).body.calls.filter((c: any) => c.destination === to);
    assert.equal(dialed.length, 0, 'nothing was dialed');
    assert.equal((await api.delete(`/v1/calls/${callId}`)).status, 204);
  });

  it('(a) an unknown create the vendor did place: cancel finds it there, adopts it and ends it at the vendor', async () => {
    const hms = sb.vendors.hmsovereign.sim;
    const { proxy, agentId } = await behindProxy('hmsovereign', HMSOVEREIGN_DEFAULT_API_KEY);
    let readsFail = true;
    proxy.answer = failCallReads(() => readsFail);
    const to = number();
    // Answered at once and talking for an hour, so only the cancel can end it.
    await hms.post('/__sim/scenario', { to, ring_ms: 100, talk_ms: 3_600_000 });
    assert.equal((await hms.post('/__sim/faults', { mode: 'reset', after_create: true, count: 1 })).status, 200);
    const callId = await placeUnknown(agentId, to);
    const [placed] = (await hms.get('/__sim/calls')).body.calls.filter((c: any) => c.destination === to);
    assert.ok(placed, 'the vendor placed it');

    readsFail = false;
    // The vendor takes commands only once the call is answered; before that it answers 409.
    const cancel = await waitForCancel(api, callId);
    assert.equal(cancel.body.provider_call_id, placed.call_id ?? placed.id);
    const ended = isTerminal(cancel.body.status)
      ? cancel.body
      : await waitForCall(api, `${callId}?refresh=true`, (c) => isTerminal(c.status), 'the canceled call to end');
    assert.ok(isTerminal(ended.status), ended.status);
    assert.ok(ended.end_reason, 'an ended call has an end reason');
    // The attempt the create never recorded is added: placed, its answer lost.
    assert.deepEqual(
      ended.attempts.map((a: any) => a.outcome),
      ['ambiguous', 'created'],
    );
    assert.equal(ended.attempts.at(-1).error_code, 'answer_lost');
  });

  it('(c) a stale call its vendor forgot does not block deleting the connection; a live one does', async () => {
    const kalem = sb.vendors.kalem.sim;
    const { connectionId, agentId } = await behindProxy('kalem', KALEM_DEFAULT_API_KEY);
    const to = number();
    await kalem.post('/__sim/scenario', { to, webhooks: 'drop', ring_ms: 3_600_000 });
    const placed = await api.post('/v1/calls', { to, agent_id: agentId });
    assert.equal(placed.status, 201, placed.text);

    // Live at the vendor: the deletion is refused and the call is untouched.
    const refused = await api.delete(`/v1/providers/${connectionId}`);
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.body.error.message, /1 active call/);
    assert.ok(!isTerminal((await api.get(`/v1/calls/${placed.body.id}`)).body.status));

    // The vendor forgets every call (its records lost); the gateway still shows it ringing.
    assert.equal((await kalem.post('/__sim/reset')).status, 200);
    await kalem.post('/__sim/config', { rate_limits: false });
    assert.ok(!isTerminal((await api.get(`/v1/calls/${placed.body.id}`)).body.status));

    const deleted = await api.delete(`/v1/providers/${connectionId}`);
    assert.equal(deleted.status, 204, deleted.text);
    const settled = (await api.get(`/v1/calls/${placed.body.id}`)).body;
    assert.equal(settled.status, 'failed');
    assert.equal(settled.end_reason, 'lost');
    assert.equal(settled.error.code, 'lost');
    assert.equal(settled.provider_end_reason, null);
    assert.equal((await events(placed.body.id)).at(-1).type, 'call.failed');
    await configureSimulators(sb, { ring_ms: 200, talk_ms: 1_000 });
  });
});

/** Cancel until the vendor takes the command (HMS refuses commands until a call is answered). */
function waitForCancel(api: Api, callId: string) {
  return pollUntil(
    async () => {
      const res = await api.post(`/v1/calls/${callId}/cancel`);
      if (res.status !== 200 && res.status !== 409) assert.fail(`cancel: ${res.status} ${res.text}`);
      return res;
    },
    (res) => res.status === 200,
    { timeoutMs: 10_000, intervalMs: 100, what: 'the vendor to take the cancel' },
  );
}

describe('stranded calls: sandbox calls live when the gateway restarts', () => {
  const NO_TICKS = { RECONCILE_INTERVAL_MS: '3600000', RECONCILE_AFTER_SECONDS: '1' };
  let gw: TestGateway | undefined;

  after(async () => {
    await gw?.close();
  });

  it('(b) the in-process simulators come back empty: refresh and cancel settle their calls as lost, delete then works, and the reconciler settles the rest', async () => {
    // First run: three long calls, answered and talking, on three vendors.
    gw = await startTestGateway(NO_TICKS);
    let api = client(gw.url, gw.adminKey);
    let sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 3_600_000 });
    const place = async (provider: 'kalem' | 'hmsovereign' | 'klen') => {
      const res = await api.post('/v1/calls', { to: number(), agent_id: sb.agentId, provider });
      assert.equal(res.status, 201, res.text);
      return waitForCall(
        api,
        `${res.body.id}?refresh=true`,
        (c) => c.status === 'in_progress',
        `${provider} call to be answered`,
      );
    };
    const [viaRefresh, viaCancel, viaReconciler] = [
      await place('kalem'),
      await place('hmsovereign'),
      await place('klen'),
    ];

    // Restart on the same database; the reconciler does not tick yet, so each ending below is the request's own.
    const database = gw.database;
    await gw.close({ keepData: true });
    gw = await startTestGateway(NO_TICKS, database);
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    for (const call of [viaRefresh, viaCancel, viaReconciler])
      assert.equal((await api.get(`/v1/calls/${call.id}`)).body.status, 'in_progress', 'still live in the gateway');

    const refreshed = await api.get(`/v1/calls/${viaRefresh.id}?refresh=true`);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.deepEqual(
      [
        refreshed.body.status,
        refreshed.body.end_reason,
        refreshed.body.provider_end_reason,
        refreshed.body.error?.code,
      ],
      ['failed', 'lost', null, 'lost'],
    );
    assert.ok(refreshed.body.ended_at);

    const canceled = await api.post(`/v1/calls/${viaCancel.id}/cancel`);
    assert.equal(canceled.status, 200, canceled.text);
    assert.deepEqual([canceled.body.status, canceled.body.end_reason], ['failed', 'lost']);
    const again = await api.post(`/v1/calls/${viaCancel.id}/cancel`);
    assert.equal(again.status, 409);
    assert.match(again.body.error.message, /already ended \(failed, lost\)/);

    for (const call of [viaRefresh, viaCancel]) {
      const last = (await api.get(`/v1/calls/${call.id}/events`)).body.data.at(-1);
      assert.equal(last.type, 'call.failed');
      assert.equal(last.data.previous_status, 'in_progress');
      assert.equal(last.data.call.end_reason, 'lost');
      assert.equal((await api.delete(`/v1/calls/${call.id}`)).status, 204);
    }

    // Third run with the reconciler ticking: the call nobody asked about is settled too.
    await gw.close({ keepData: true });
    gw = await startTestGateway({ RECONCILE_AFTER_SECONDS: '1' }, database);
    api = client(gw.url, gw.adminKey);
    const settled = await pollCall(api, viaReconciler.id, (c) => isTerminal(c.status));
    assert.deepEqual([settled.status, settled.end_reason, settled.provider_end_reason], ['failed', 'lost', null]);
    const last = (await api.get(`/v1/calls/${viaReconciler.id}/events`)).body.data.at(-1);
    assert.equal(last.type, 'call.failed');
    assert.equal(last.data.provider.source, 'reconcile');
    assert.equal((await api.delete(`/v1/calls/${viaReconciler.id}`)).status, 204);
  });
});

/** Reads the gateway's copy only (no vendor refresh), so what changes it is the reconciler. */
function pollCall(api: Api, id: string, accept: (call: any) => boolean, timeoutMs = 20_000) {
  return pollUntil(
    async () => {
      const res = await api.get(`/v1/calls/${id}`);
      assert.equal(res.status, 200, res.text);
      return res.body;
    },
    accept,
    { timeoutMs, intervalMs: 100, what: `call ${id} to be settled by the reconciler` },
  );
}
