import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningSimulator } from '../common';
import { pollUntil } from '../testing';
import { KAICALLS_DEFAULT_API_KEY, KAICALLS_SEED, startKaiCallsSimulator } from './index';
import { assertShape, control, DOC, ISO, kc, STATUSES, UUID } from './kaicalls.test-support';

const { agents, numbers, businessId } = KAICALLS_SEED;

describe('KaiCalls simulator contract: auth, calls, agents, numbers, errors', () => {
  let sim: RunningSimulator;

  before(async () => {
    sim = await startKaiCallsSimulator({ speed: 200 });
  });
  after(async () => sim.close());
  beforeEach(async () => {
    await control(sim, '/reset', {});
    await control(sim, '/scenario', { outcome: 'completed', ring_ms: 400, talk_ms: 2_000 });
  });

  describe('auth', () => {
    it('uses a kc_live_ key of 44 base64url characters by default', () => {
      assert.equal(sim.apiKey, KAICALLS_DEFAULT_API_KEY);
      assert.match(sim.apiKey, /^kc_live_[A-Za-z0-9_-]{44}$/);
    });

    for (const [label, key] of [
      ['missing', null],
      ['unknown', `kc_live_${'x'.repeat(44)}`],
      ['test-mode (kc_test_ does not exist)', `kc_test_${'x'.repeat(44)}`],
    ] as const) {
      it(`answers a ${label} key with 401 unauthorized in the nested envelope`, async () => {
        const res = await kc(sim, 'GET', '/calls', { key });
        assert.equal(res.status, 401);
        assertShape(res.json, DOC.error);
        assert.equal(res.json.error.code, 'unauthorized');
      });
    }

    it('rejects a non-Bearer Authorization header', async () => {
      const res = await kc(sim, 'GET', '/agents', { key: null, headers: { Authorization: `Basic ${sim.apiKey}` } });
      assert.equal(res.status, 401);
      assert.equal(res.json.error.code, 'unauthorized');
    });
  });

  describe('POST /api/v1/calls', () => {
    it('answers 201 with the documented create shape, status queued', async () => {
      const body = {
        agent_id: agents.kai.id,
        to: '+15125550100',
        name: 'Dana',
        context: 'Confirm Friday delivery window',
        max_duration: 300,
      };
      const res = await kc(sim, 'POST', '/calls', { body });
      assert.equal(res.status, 201);
      assertShape(res.json, DOC.callCreated);
      assert.equal(res.json.status, 'queued');
      assert.match(res.json.id, UUID);
      assert.match(res.json.conversation_id, UUID);
      assert.match(res.json.created_at, ISO);
      assert.deepEqual([res.json.agent_id, res.json.to, res.json.name], [agents.kai.id, '+15125550100', 'Dana']);
    });

    it('accepts both spellings of the aliases and records the exact body on /__sim/calls', async () => {
      const seedStyle = { agent_id: agents.kai.id, to: '+15125550101', customer_name: 'Lee', firstMessage: 'Hi Lee!' };
      const sdkStyle = {
        agent_id: agents.support.id,
        to: '+15125550102',
        name: 'Ana',
        first_message: 'Hola',
        lead_id: 'lead-7',
      };
      const a = await kc(sim, 'POST', '/calls', { body: seedStyle });
      const b = await kc(sim, 'POST', '/calls', { body: sdkStyle });
      assert.equal(a.json.name, 'Lee');
      const dialed = (await control(sim, '/calls')).calls;
      assert.equal(dialed.length, 2);
      assert.deepEqual(dialed[0].request, seedStyle);
      assert.deepEqual(dialed[1].request, sdkStyle);
      assert.deepEqual(
        [dialed[0].id, dialed[0].first_message, dialed[1].id, dialed[1].lead_id],
        [a.json.id, 'Hi Lee!', b.json.id, 'lead-7'],
      );
      assert.ok(STATUSES.includes(dialed[0].status));
    });

    const invalid: [string, unknown, number, string][] = [
      ['missing agent_id and to', {}, 400, 'invalid_request'],
      ['a non-E.164 number', { agent_id: agents.kai.id, to: '512-555-0100' }, 400, 'invalid_request'],
      [
        'a bad webhook_url',
        { agent_id: agents.kai.id, to: '+15125550100', webhook_url: 'not a url' },
        400,
        'invalid_request',
      ],
      [
        'a non-integer max_duration',
        { agent_id: agents.kai.id, to: '+15125550100', max_duration: 'long' },
        400,
        'invalid_request',
      ],
      ['invalid JSON', '{"agent_id":', 400, 'invalid_request'],
      ['an unknown agent', { agent_id: '00000000-0000-4000-8000-000000000000', to: '+15125550100' }, 404, 'not_found'],
      ['a number on the DNC list', { agent_id: agents.kai.id, to: KAICALLS_SEED.dncNumber }, 400, 'number_on_dnc'],
    ];
    for (const [label, body, status, code] of invalid) {
      it(`refuses ${label} with ${status} ${code}`, async () => {
        const res = await kc(sim, 'POST', '/calls', { body });
        assert.equal(res.status, status);
        assertShape(res.json, DOC.error);
        assert.equal(res.json.error.code, code);
        assert.equal((await control(sim, '/calls')).calls.length, 0, 'nothing dialed');
      });
    }
  });

  describe('GET /api/v1/calls', () => {
    it('serves the detail as a bare object via ?id=, filled in once the call completed', async () => {
      const created = await kc(sim, 'POST', '/calls', {
        body: { agent_id: agents.kai.id, to: '+15125550100', lead_id: 'lead-1' },
      });
      const detail = await pollUntil(
        () => kc(sim, 'GET', `/calls?id=${created.json.id}`),
        (r) => r.json.status === 'completed',
        { what: 'call completed' },
      );
      assert.equal(detail.status, 200);
      assertShape(detail.json, DOC.callDetail);
      assert.equal(detail.json.agent_name, 'Kai');
      assert.equal(detail.json.direction, 'outbound');
      assert.equal(detail.json.business_id, businessId);
      assert.equal(detail.json.duration, 2);
      assert.ok(
        Object.values(detail.json.quality_dimensions).every(
          (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100,
        ),
      );
    });

    it('returns null summary/recording/quality while a call is not finished', async () => {
      await control(sim, '/scenario', { ring_ms: 600_000 });
      const created = await kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } });
      const detail = await kc(sim, 'GET', `/calls?id=${created.json.id}`);
      assertShape(detail.json, DOC.callDetail, ['lead_id', 'summary', 'recording_url', 'quality_dimensions']);
      assert.deepEqual([detail.json.status, detail.json.duration, detail.json.summary], ['queued', 0, null]);
    });

    it('answers an unknown ?id= with 404 not_found "Call not found"', async () => {
      const res = await kc(sim, 'GET', '/calls?id=nope');
      assert.equal(res.status, 404);
      assert.deepEqual(res.json, { error: { code: 'not_found', message: 'Call not found' } });
    });

    it('lists thin rows newest first with has_more, filtered by agent_id and status', async () => {
      const ids: string[] = [];
      for (const agent of [agents.kai.id, agents.support.id, agents.kai.id])
        ids.push((await kc(sim, 'POST', '/calls', { body: { agent_id: agent, to: '+15125550100' } })).json.id);
      const list = await kc(sim, 'GET', '/calls');
      assert.equal(list.status, 200);
      assertShape(list.json, DOC.callList, ['summary']);
      assert.deepEqual(
        list.json.calls.map((c: any) => c.id),
        [...ids].reverse(),
      );
      assert.equal(list.json.has_more, false);
      const byAgent = await kc(sim, 'GET', `/calls?agent_id=${agents.support.id}`);
      assert.deepEqual(
        byAgent.json.calls.map((c: any) => c.id),
        [ids[1]],
      );
      await pollUntil(
        () => kc(sim, 'GET', '/calls?status=completed'),
        (r) => r.json.calls.length === 3,
        { what: 'three completed' },
      );
      assert.deepEqual((await kc(sim, 'GET', '/calls?status=queued')).json, { calls: [], has_more: false });
    });

    it('refuses a bad limit or cursor with 400 invalid_request', async () => {
      for (const q of ['limit=0', 'limit=abc', 'after=yesterday']) {
        const res = await kc(sim, 'GET', `/calls?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.json.error.code, 'invalid_request');
      }
    });
  });

  describe('agents', () => {
    it('lists the seeded agents and serves a detail via ?id=', async () => {
      const list = await kc(sim, 'GET', '/agents');
      assertShape(list.json, DOC.agentList);
      assert.deepEqual(
        list.json.agents.map((a: any) => a.id),
        [agents.kai.id, agents.support.id],
      );
      const detail = await kc(sim, 'GET', `/agents?id=${agents.kai.id}`);
      assertShape(detail.json, DOC.agentDetail, ['inbound', 'outbound', 'sms']);
      assert.deepEqual(
        [detail.json.vapi_assistant_id, detail.json.phone_number],
        [agents.kai.vapiAssistantId, numbers.main.phoneNumber],
      );
      assert.equal((await kc(sim, 'GET', '/agents?id=missing')).status, 404);
    });

    it('creates an agent (201) with the documented defaults', async () => {
      const res = await kc(sim, 'POST', '/agents', {
        body: { business_id: businessId, name: 'Closer', system_prompt: 'Be brief.' },
      });
      assert.equal(res.status, 201);
      assertShape(res.json, DOC.agentCreated);
      const detail = await kc(sim, 'GET', `/agents?id=${res.json.id}`);
      assert.equal(detail.json.first_message, 'Hello! How can I help you today?');
      assert.deepEqual(detail.json.model, { provider: 'openai', model: 'gpt-4.1', temperature: 0.7 });
      assert.equal(detail.json.phone_number, null);
    });

    it('refuses agent creation without required fields (400) or for a foreign business (403)', async () => {
      const missing = await kc(sim, 'POST', '/agents', { body: { name: 'x' } });
      assert.deepEqual([missing.status, missing.json.error.code], [400, 'invalid_request']);
      assert.match(missing.json.error.message, /business_id is required.*system_prompt is required/);
      const foreign = await kc(sim, 'POST', '/agents', {
        body: { business_id: 'other', name: 'x', system_prompt: 'y' },
      });
      assert.deepEqual([foreign.status, foreign.json.error.code], [403, 'forbidden']);
    });

    it('patches by body id, merging metadata and accepting the SDK-only fields', async () => {
      await kc(sim, 'PATCH', '/agents', { body: { id: agents.kai.id, metadata: { a: 1 } } });
      const res = await kc(sim, 'PATCH', '/agents', {
        body: { id: agents.kai.id, name: 'Kai 2', metadata: { b: 2 }, inbound_prompt: 'In.' },
      });
      assert.equal(res.status, 200);
      assertShape(res.json, DOC.agentUpdated);
      assert.deepEqual([res.json.name, res.json.updated], ['Kai 2', true]);
      const detail = await kc(sim, 'GET', `/agents?id=${agents.kai.id}`);
      assert.equal(detail.json.prompts.inbound, 'In.');
      const dialed = await kc(sim, 'GET', '/agents');
      assert.equal(dialed.json.agents[0].name, 'Kai 2');
      for (const [body, status] of [
        [{ name: 'x' }, 400],
        [{ id: agents.kai.id }, 400],
        [{ id: 'missing', name: 'x' }, 404],
      ] as const)
        assert.equal((await kc(sim, 'PATCH', '/agents', { body })).status, status, JSON.stringify(body));
    });
  });

  describe('numbers', () => {
    it('serves the same { numbers } on /numbers and /phone-numbers', async () => {
      const seed = await kc(sim, 'GET', '/numbers');
      const sdk = await kc(sim, 'GET', '/phone-numbers');
      assertShape(seed.json, DOC.numbers);
      assert.deepEqual(sdk.json, seed.json);
      assert.deepEqual(
        seed.json.numbers.map((n: any) => n.id),
        [numbers.main.id, numbers.support.id],
      );
      const one = await kc(
        sim,
        'GET',
        `/phone-numbers?phone_number=${encodeURIComponent(numbers.support.phoneNumber)}`,
      );
      assert.deepEqual(
        one.json.numbers.map((n: any) => n.agent_id),
        [agents.support.id],
      );
    });
  });

  describe('faults and unknown routes', () => {
    it('answers unknown paths with 404 not_found in the envelope', async () => {
      const res = await kc(sim, 'GET', '/calls/123');
      assert.deepEqual([res.status, res.json.error.code], [404, 'not_found']);
    });

    it('turns injected faults into KaiCalls errors (call_failed, rate_limited + Retry-After)', async () => {
      await control(sim, '/faults', { mode: 'error', status: 500, count: 1 });
      const failed = await kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } });
      assert.deepEqual([failed.status, failed.json.error.code], [500, 'call_failed']);
      await control(sim, '/faults', { mode: 'rate_limit', count: 1 });
      const limited = await kc(sim, 'GET', '/agents');
      assert.deepEqual(
        [limited.status, limited.json.error.code, limited.headers.get('retry-after')],
        [429, 'rate_limited', '1'],
      );
      assert.equal((await kc(sim, 'GET', '/agents')).status, 200, 'fault cleared after count');
    });

    it('a timeout fault before the handler closes the connection and dials nothing', async () => {
      await control(sim, '/faults', { mode: 'timeout', delay_ms: 50, count: 1 });
      await assert.rejects(kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } }));
      assert.equal((await control(sim, '/calls')).calls.length, 0);
      assert.equal((await kc(sim, 'GET', '/agents')).status, 200);
    });

    it('places the call but drops the connection with an after_create reset (ambiguous create)', async () => {
      await control(sim, '/faults', { mode: 'reset', after_create: true, count: 1 });
      await assert.rejects(kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } }));
      const dialed = (await control(sim, '/calls')).calls;
      assert.equal(dialed.length, 1);
      assert.match(dialed[0].id, UUID);
    });
  });
});
