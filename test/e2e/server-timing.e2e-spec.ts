import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { startSlowRequest } from '../support/gateway-process';
import type { ApiResponse } from '../support/http';
import { client } from '../support/http';
import type { Api, Sandbox, Vendor } from '../support/calls';
import { configureSimulators, sandboxOf, sim, waitForCall } from '../support/calls';

/**
 * Server-Timing on responses that reached a vendor (contract, Conventions): the gateway's
 * own time, the database time and the vendor time, each request with its own figures.
 */

const HEADER = /^gateway;dur=(\d+\.\d), db;dur=(\d+\.\d), vendor;dur=(\d+\.\d)$/;

function serverTiming(res: ApiResponse): { gateway: number; db: number; vendor: number } {
  const value = res.headers.get('server-timing');
  assert.ok(value, `Server-Timing on ${res.status} ${res.text.slice(0, 200)}`);
  const m = HEADER.exec(value);
  assert.ok(m, `Server-Timing has gateway, db and vendor in ms with one decimal: ${value}`);
  return { gateway: Number(m[1]), db: Number(m[2]), vendor: Number(m[3]) };
}

describe('Server-Timing', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  const fault = async (vendor: Vendor, body: Record<string, unknown>) =>
    assert.equal((await sb.vendors[vendor].sim.post('/__sim/faults', body)).status, 200);
  const createCall = (provider: Vendor) =>
    api.post('/v1/calls', { to: '+1 (555) 010-2030', agent_id: sb.agentId, provider });

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
  });
  after(() => gw.close());

  it('splits a call create into gateway, database and vendor time', async () => {
    const started = performance.now();
    const res = await createCall('hmsovereign');
    const elapsed = performance.now() - started;
    assert.equal(res.status, 201, res.text);
    const timing = serverTiming(res);
    assert.ok(timing.vendor > 0, `vendor time: ${timing.vendor}`);
    assert.ok(timing.db > 0, `database time: ${timing.db}`);
    assert.ok(timing.gateway >= 0);
    assert.ok(
      timing.vendor <= elapsed,
      `the vendor wait (${timing.vendor}) lies within the round trip (${elapsed.toFixed(1)})`,
    );
  });

  it('keeps a request its timing when the body arrives in several socket events', async () => {
    const body = JSON.stringify({ to: '+1 (555) 010-2030', agent_id: sb.agentId, provider: 'hmsovereign' });
    const half = Math.floor(body.length / 2);
    const request = await startSlowRequest(
      Number(new URL(gw.url).port),
      `POST /v1/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    // A round trip on another connection: the server has read the first request's head and
    // first half by the time it answers this one, so the rest comes in a later socket event.
    assert.equal((await fetch(`${gw.url}/health/live`)).status, 200);
    const response = await request.finish(body.slice(half));
    assert.match(response, /^HTTP\/1\.1 201/);
    const header = /^server-timing: (.*)$/im.exec(response)?.[1]?.trim() ?? '';
    assert.match(header, HEADER);
  });

  it('shows a slow vendor as vendor time', async () => {
    await fault('kalem', { mode: 'slow', delay_ms: 300, count: 1 });
    const res = await createCall('kalem');
    assert.equal(res.status, 201, res.text);
    assert.ok(serverTiming(res).vendor >= 300, `vendor time ${serverTiming(res).vendor} includes the injected 300 ms`);
  });

  it('leaves it off responses that reached no vendor, and puts it on a read that refreshed from the vendor', async () => {
    const created = await createCall('klen');
    assert.equal(created.status, 201, created.text);

    const cached = await api.get(`/v1/calls/${created.body.id}`);
    assert.equal(cached.status, 200);
    assert.equal(cached.headers.get('server-timing'), null, 'a read from the gateway copy reached no vendor');
    assert.equal((await api.get('/health/live', { key: null })).headers.get('server-timing'), null);
    const invalid = await api.post('/v1/calls', { to: 'not a number', agent_id: sb.agentId, provider: 'klen' });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.headers.get('server-timing'), null, 'a create refused before routing reached no vendor');

    const refreshed = await api.get(`/v1/calls/${created.body.id}?refresh=true`);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.ok(serverTiming(refreshed).vendor > 0);
  });

  it('leaves it off an idempotent replay, which reached no vendor this time', async () => {
    const body = { to: '+1 (555) 010-2030', agent_id: sb.agentId, provider: 'hmsovereign' };
    const headers = { 'idempotency-key': `timing-replay-${Date.now()}` };
    const first = await api.post('/v1/calls', body, { headers });
    assert.equal(first.status, 201, first.text);
    serverTiming(first);
    const replay = await api.post('/v1/calls', body, { headers });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.headers.get('server-timing'), null);
  });

  it('is on the 503 answering a vendor 500 (the only connection tried): that vendor was reached', async () => {
    await fault('kaicalls', { mode: 'error', status: 500, count: 1 });
    const res = await createCall('kaicalls');
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.code, 'providers_unavailable');
    const timing = serverTiming(res);
    assert.ok(timing.vendor > 0);
    assert.ok(timing.db > 0);
  });

  it('gives each of two concurrent requests its own vendor time', async () => {
    // Only a create takes the one-shot fault: another request to the vendor meanwhile (a read
    // of an earlier test's call) would use it up, and the slow create would not be slow.
    await fault('kalem', { mode: 'slow', delay_ms: 1000, count: 1, after_create: true });
    const slowStarted = performance.now();
    const slow = createCall('kalem');
    // The slow create is held at the vendor once the one-shot fault is used up.
    await pollUntil(
      () => sb.vendors.kalem.sim.get('/__sim/state'),
      (state) => state.body.faults.mode === 'none',
      { timeoutMs: 10_000, intervalMs: 20, what: 'the slow create to reach the simulator' },
    );
    const fastStarted = performance.now();
    const fast = await createCall('hmsovereign');
    const fastElapsed = performance.now() - fastStarted;
    const slowRes = await slow;
    const slowElapsed = performance.now() - slowStarted;

    assert.equal(fast.status, 201, fast.text);
    assert.equal(slowRes.status, 201, slowRes.text);
    const fastTiming = serverTiming(fast);
    const slowTiming = serverTiming(slowRes);
    assert.ok(
      slowTiming.vendor >= 1000,
      `the slow request's vendor time ${slowTiming.vendor} includes its injected 1000 ms`,
    );
    assert.ok(slowTiming.vendor <= slowElapsed);
    // Had the slow request's wait leaked in, the fast one would count vendor time from before it started.
    assert.ok(
      fastTiming.vendor <= fastElapsed,
      `the fast request's vendor time ${fastTiming.vendor} lies within its own round trip (${fastElapsed.toFixed(1)})`,
    );
    assert.ok(fastTiming.vendor < slowTiming.vendor);
  });

  it('times the paths past the create too: a cancel, a vendor listing, a provisioned agent, each with its database time', async () => {
    // Each of these reads the gateway's own rows through the request's view of the database
    // (src/database/request-database.ts) and asks its vendor through the request's adapter view.
    // HMS Sovereign ends answered calls only: one that talks long enough to be canceled.
    const hms = new URL(sb.vendors.hmsovereign.baseUrl).origin;
    await sim(hms, 'scenario', { to: '+14155550170', outcome: 'completed', ring_ms: 300, talk_ms: 600_000 });
    const created = await api.post('/v1/calls', { to: '+14155550170', agent_id: sb.agentId, provider: 'hmsovereign' });
    assert.equal(created.status, 201, created.text);
    await waitForCall(api, created.body.id, (call) => call.status === 'in_progress', 'the call answered');
    const canceled = await api.post(`/v1/calls/${created.body.id}/cancel`, {});
    assert.equal(canceled.status, 200, canceled.text);
    const listed = await api.get(`/v1/providers/${sb.vendors.kaicalls.connectionId}/agents`);
    assert.equal(listed.status, 200, listed.text);
    const agent = await api.post('/v1/agents', {
      name: 'timed agent',
      provision: [sb.vendors.hmsovereign.connectionId],
    });
    assert.equal(agent.status, 201, agent.text);
    for (const [what, res] of Object.entries({ canceled, listed, agent })) {
      const timing = serverTiming(res);
      assert.ok(timing.vendor > 0, `${what}: vendor time ${timing.vendor}`);
      assert.ok(timing.db > 0, `${what}: database time ${timing.db}`);
    }
  });

  it("leaves a request's background work out of it: a history import answered 202 reached no vendor itself", async () => {
    const sync = await api.post(`/v1/providers/${sb.vendors.kalem.connectionId}/sync`, {});
    assert.equal(sync.status, 202, sync.text);
    assert.equal(sync.headers.get('server-timing'), null);
    await pollUntil(
      () => api.get(`/v1/providers/${sb.vendors.kalem.connectionId}`),
      (res) => res.body.sync?.status !== 'running',
      { what: 'the import to finish' },
    );
  });

  it('feeds the three phases to the metrics, only for routes that reached a vendor', async () => {
    const res = await api.get('/metrics');
    assert.equal(res.status, 200);
    for (const phase of ['gateway', 'db', 'vendor'])
      assert.match(
        res.text,
        new RegExp(
          `switchboard_http_request_phase_seconds_count\\{method="POST",route="/v1/calls",phase="${phase}"\\} [1-9]`,
        ),
      );
    assert.doesNotMatch(res.text, /switchboard_http_request_phase_seconds_count\{method="GET",route="\/health\/live"/);
  });
});
