import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningSimulator } from '../common';
import { KAICALLS_DEFAULT_SESSION, KAICALLS_SEED, KAICALLS_SESSION_COOKIE, startKaiCallsSimulator } from './index';
import type { ApiResponse } from './kaicalls.test-support';
import { assertShape, control, DOC, kc } from './kaicalls.test-support';

const { agents, businessId } = KAICALLS_SEED;

/** Sends `n` requests one after another and returns the statuses plus the last response. */
async function burst(
  n: number,
  send: (i: number) => Promise<ApiResponse>,
): Promise<{ statuses: number[]; last: ApiResponse }> {
  const statuses: number[] = [];
  let last: ApiResponse | undefined;
  for (let i = 0; i < n; i++) {
    last = await send(i);
    statuses.push(last.status);
  }
  return { statuses, last: last! };
}

function assertLimited(res: ApiResponse): void {
  assert.equal(res.status, 429);
  assertShape(res.json, DOC.error);
  assert.equal(res.json.error.code, 'rate_limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  // Only Retry-After is assumed; no X-RateLimit-* headers are documented.
  assert.equal(res.headers.get('x-ratelimit-limit'), null);
}

describe('KaiCalls simulator rate limits (per key, per minute)', () => {
  let sim: RunningSimulator;

  before(async () => {
    sim = await startKaiCallsSimulator({ speed: 200 });
  });
  after(async () => sim.close());
  beforeEach(async () => {
    await control(sim, '/reset', {});
    await control(sim, '/scenario', { outcome: 'completed', ring_ms: 100, talk_ms: 1_000 });
  });

  const createCall = () => kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } });

  it('POST /calls: 60 per minute, then 429 rate_limited with Retry-After', async () => {
    const { statuses, last } = await burst(61, createCall);
    assert.equal(statuses.filter((s) => s === 201).length, 60);
    assertLimited(last);
    assert.equal((await control(sim, '/calls')).calls.length, 60, 'the refused request dialed nothing');
    assert.equal((await kc(sim, 'GET', '/calls')).status, 200, 'GETs have their own budget');
  });

  it('POST /agents: 30 per minute', async () => {
    const body = { business_id: businessId, name: 'A', system_prompt: 'P' };
    const { statuses, last } = await burst(31, () => kc(sim, 'POST', '/agents', { body }));
    assert.equal(statuses.filter((s) => s === 201).length, 30);
    assertLimited(last);
    assert.equal(
      (await kc(sim, 'PATCH', '/agents', { body: { id: agents.kai.id, name: 'B' } })).status,
      200,
      'PATCH is separate',
    );
  });

  it('PATCH /agents: 60 per minute', async () => {
    const { statuses, last } = await burst(61, (i) =>
      kc(sim, 'PATCH', '/agents', { body: { id: agents.kai.id, name: `Kai ${i}` } }),
    );
    assert.equal(statuses.filter((s) => s === 200).length, 60);
    assertLimited(last);
  });

  it('GET: 300 per minute shared by every GET endpoint', async () => {
    const paths = ['/calls', '/agents', '/numbers', '/balance', '/usage', '/webhooks'];
    const { statuses, last } = await burst(301, (i) => kc(sim, 'GET', paths[i % paths.length]));
    assert.equal(statuses.filter((s) => s === 200).length, 300);
    assertLimited(last);
    assert.equal((await createCall()).status, 201, 'POST /calls is separate');
  });

  it('counts per key, and can be switched off through /__sim/config', async () => {
    await burst(60, createCall);
    assertLimited(await createCall());
    const other = await kc(sim, 'POST', '/keys', {
      key: null,
      headers: { Cookie: `${KAICALLS_SESSION_COOKIE}=${KAICALLS_DEFAULT_SESSION}` },
      body: { scopes: ['*'] },
    });
    assert.equal(
      (await kc(sim, 'POST', '/calls', { key: other.json.key, body: { agent_id: agents.kai.id, to: '+15125550100' } }))
        .status,
      201,
    );

    await control(sim, '/config', { rate_limits: false });
    assert.equal((await createCall()).status, 201);
  });

  it('does not count unauthenticated requests', async () => {
    await burst(30, () => kc(sim, 'POST', '/agents', { key: null, body: {} }));
    assert.equal(
      (await kc(sim, 'POST', '/agents', { body: { business_id: businessId, name: 'A', system_prompt: 'P' } })).status,
      201,
    );
  });
});
