import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import type { Api, Sandbox, SandboxVendor, Vendor } from '../support/calls';
import {
  configureSimulators,
  dialedBy,
  ISO_Z,
  sandboxOf,
  TERMINAL_STATUSES,
  VENDORS,
  waitForCall,
  waitForTerminal,
} from '../support/calls';

/**
 * One outbound call per vendor, through the gateway, against that vendor's simulator over
 * HTTP: the normalized call, the vendor-native request, the lifecycle to each outcome, the
 * contract fields of a finished call and the event timeline. Then live control and cancel.
 */

type Outcome = 'no_answer' | 'busy' | 'failed';

interface VendorSpec {
  /** What each simulated outcome becomes in the gateway (Klen's and KaiCalls' GET bodies say only `failed`). */
  outcomes: Record<Outcome, string>;
  /** Checks the vendor-native create request the simulator recorded. */
  checkDialed(dialed: any, call: any, v: SandboxVendor): void;
  /** Which optional contract fields the vendor supplies on a completed call. */
  supplies: { cost: boolean; times: boolean; transcript: boolean; summary: boolean };
  /** Statuses a call may have in the create response. */
  createStatuses: string[];
}

const E164 = '+15550102030';
const HUMAN: Record<Vendor, string> = {
  kalem: '+1 (555) 010-2030',
  klen: '+1 555 010 2030',
  kaicalls: '+1-555-010-2030',
  hmsovereign: '+1 (555) 010 2030',
};
const OUTCOME_NUMBERS: Record<Outcome, { human: string; e164: string }> = {
  no_answer: { human: '+1 (555) 010-2031', e164: '+15550102031' },
  busy: { human: '+1 (555) 010-2032', e164: '+15550102032' },
  failed: { human: '+1 (555) 010-2033', e164: '+15550102033' },
};
/** The sandbox agent's ids are numeric at Kalem and Klen, and sent as integers. */
const asVendorId = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);

const SPECS: Record<Vendor, VendorSpec> = {
  kalem: {
    outcomes: { no_answer: 'no_answer', busy: 'busy', failed: 'failed' },
    createStatuses: ['queued', 'ringing'],
    checkDialed(d, call, v) {
      assert.equal(d.call_id, call.provider_call_id);
      assert.equal(d.request.method, 'POST');
      assert.equal(d.request.path, '/api/v1/calls');
      const body = d.request.body;
      assert.equal(body.to_number, E164, 'Kalem to_number is E.164');
      assert.equal(body.agent_id, asVendorId(v.providerAgentId));
      assert.equal(body.number_id, asVendorId(v.defaults.number_id), 'number_id from the connection defaults');
      assert.equal(body.trunk_id, asVendorId(v.defaults.trunk_id), 'trunk_id from the connection defaults');
      assert.equal(body.record, true);
      assert.equal(body.metadata.switchboard_call_id, call.id, 'the gateway id rides in Kalem metadata');
    },
    supplies: { cost: true, times: true, transcript: false, summary: false },
  },
  klen: {
    // Klen's GET shows a bare `failed`; the reason (no-answer, busy) comes in its call.failed webhook.
    outcomes: { no_answer: 'no_answer', busy: 'busy', failed: 'failed' },
    createStatuses: ['queued'],
    checkDialed(d, call, v) {
      assert.equal(d.call_id, call.provider_call_id);
      assert.equal(d.phone_number, E164);
      assert.equal(d.request.phone_number, E164, 'Klen phone_number is E.164');
      assert.equal(d.request.agent_id, asVendorId(v.providerAgentId));
      assert.equal(d.request.variables.switchboard_call_id, call.id, 'the gateway id rides in Klen variables');
    },
    supplies: { cost: true, times: true, transcript: true, summary: true },
  },
  kaicalls: {
    // KaiCalls' GET shows a bare `failed`; its call.failed webhook's `error` says why.
    outcomes: { no_answer: 'no_answer', busy: 'busy', failed: 'failed' },
    createStatuses: ['queued'],
    checkDialed(d, call, v) {
      assert.equal(d.id, call.provider_call_id);
      assert.equal(d.to, E164);
      assert.equal(d.request.to, E164, 'KaiCalls to is E.164');
      assert.equal(d.request.agent_id, v.providerAgentId);
    },
    // KaiCalls payloads carry no answer/end times (only webhooks have a timestamp).
    supplies: { cost: true, times: false, transcript: false, summary: true },
  },
  hmsovereign: {
    outcomes: { no_answer: 'no_answer', busy: 'busy', failed: 'failed' },
    createStatuses: ['queued', 'ringing'],
    checkDialed(d, call, v) {
      assert.equal(d.call_id, call.provider_call_id);
      assert.equal(d.destination, E164);
      assert.equal(d.request.destination, E164, 'HMS destination is E.164');
      assert.equal(d.request.assistant_id, v.providerAgentId);
      assert.equal(d.request.number_id, v.defaults.number_id, 'number_id from the connection defaults');
      assert.equal(d.request.assistant_override.metadata.switchboard_call_id, call.id);
    },
    supplies: { cost: false, times: true, transcript: true, summary: true },
  },
};

function assertCreatedCall(
  res: { status: number; body: any; text: string },
  vendor: Vendor,
  sb: Sandbox,
  e164: string,
): any {
  assert.equal(res.status, 201, res.text);
  const call = res.body;
  assert.match(call.id, /^call_[0-9a-z]{26}$/);
  assert.equal(call.object, 'call');
  assert.equal(call.direction, 'outbound');
  assert.equal(call.provider, vendor);
  assert.equal(call.connection_id, sb.vendors[vendor].connectionId);
  assert.equal(call.agent_id, sb.agentId);
  assert.equal(typeof call.provider_call_id, 'string');
  assert.ok(call.provider_call_id.length > 0);
  assert.equal(call.to, e164, 'to is normalized to E.164');
  assert.ok(SPECS[vendor].createStatuses.includes(call.status), `create status ${call.status}`);
  assert.match(call.created_at, ISO_Z);
  assert.match(call.updated_at, ISO_Z);
  assert.equal(call.attempts.length, 1);
  assert.equal(call.attempts[0].outcome, 'created');
  assert.equal(call.attempts[0].provider, vendor);
  assert.equal(call.attempts[0].connection_id, sb.vendors[vendor].connectionId);
  assert.equal(call.attempts[0].error_code, null);
  assert.match(call.attempts[0].at, ISO_Z);
  return call;
}

async function timeline(api: Api, id: string): Promise<any[]> {
  const res = await api.get(`/v1/calls/${id}/events`);
  assert.equal(res.status, 200, res.text);
  const events = res.body.data as any[];
  for (const e of events) {
    assert.match(e.id, /^evt_/);
    assert.equal(e.call_id, id);
    assert.match(e.created_at, ISO_Z);
  }
  const sequences = events.map((e) => Number(e.sequence));
  assert.deepEqual(
    [...sequences].sort((a, b) => a - b),
    sequences,
    'oldest first, in sequence order',
  );
  assert.equal(new Set(sequences).size, sequences.length, 'sequences are unique');
  return events;
}

describe('calls through each vendor (sandbox simulators over HTTP)', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 300, talk_ms: 2000 });
  });
  after(() => gw.close());

  for (const vendor of VENDORS) {
    const spec = SPECS[vendor];

    describe(vendor, () => {
      it('places a pinned call, sends the vendor-native request and reaches completed with every field the vendor supplies', async () => {
        const res = await api.post('/v1/calls', { to: HUMAN[vendor], agent_id: sb.agentId, provider: vendor });
        const created = assertCreatedCall(res, vendor, sb, E164);

        const dialed = await dialedBy(
          sb.vendors[vendor],
          (d) =>
            JSON.stringify(d).includes(created.id) ||
            d.call_id === created.provider_call_id ||
            d.id === created.provider_call_id,
        );
        assert.equal(dialed.length, 1, `${vendor} simulator saw exactly one create for this call`);
        spec.checkDialed(dialed[0], created, sb.vendors[vendor]);

        // Webhooks end the call; post-call facts (recording, transcript, cost) may follow it.
        const done = await waitForCall(
          api,
          created.id,
          (c) =>
            TERMINAL_STATUSES.includes(c.status) &&
            c.recording_url !== null &&
            (!spec.supplies.cost || c.cost !== null) &&
            (!spec.supplies.transcript || !!c.transcript?.length) &&
            (!spec.supplies.summary || c.summary !== null),
          `call ${created.id} to end with its post-call facts`,
        );
        assert.equal(done.status, 'completed');
        assert.equal(done.id, created.id);
        assert.equal(done.provider_call_id, created.provider_call_id);
        assert.equal(done.to, E164);
        assert.equal(done.error, null);
        assert.equal(done.duration_seconds, 2, 'talk_ms 2000 → 2 s');
        assert.match(done.recording_url, /^https:\/\//);
        assert.match(done.updated_at, ISO_Z);
        if (spec.supplies.cost) {
          assert.equal(typeof done.cost.amount, 'number');
          assert.ok(done.cost.amount >= 0);
          assert.equal(done.cost.currency, 'USD');
        } else assert.equal(done.cost, null, `${vendor} reports no cost`);
        if (spec.supplies.times) {
          assert.match(done.answered_at, ISO_Z);
          assert.match(done.ended_at, ISO_Z);
          assert.ok(Date.parse(done.answered_at) <= Date.parse(done.ended_at), 'answered before ended');
        } else {
          // The vendor's REST bodies carry no times: no answer time, and the end is the moment
          // the gateway first saw the call finished.
          assert.equal(done.answered_at, null);
          assert.match(done.ended_at, ISO_Z);
          assert.ok(Date.parse(done.ended_at) >= Date.parse(done.created_at));
        }
        if (spec.supplies.transcript) {
          assert.ok(Array.isArray(done.transcript) && done.transcript.length > 0, 'transcript');
          for (const turn of done.transcript) {
            assert.equal(typeof turn.role, 'string');
            assert.equal(typeof turn.text, 'string');
          }
        }
        if (spec.supplies.summary) assert.ok(typeof done.summary === 'string' && done.summary.length > 0, 'summary');

        const events = await timeline(api, created.id);
        const types = events.map((e) => e.type);
        assert.equal(types[0], 'call.created');
        // Every event carries a whole call object: the same keys as GET /v1/calls/:id.
        for (const event of events)
          assert.deepEqual(Object.keys(event.data.call).sort(), Object.keys(done).sort(), event.type);
        assert.equal(events[0].data.call.status, 'queued');
        assert.equal(events[0].data.call.duration_seconds, null);
        assert.equal(types.filter((t) => t === 'call.completed').length, 1, 'one call.completed');
        const completedAt = types.indexOf('call.completed');
        assert.ok(!types.some((t) => ['call.failed', 'call.no_answer', 'call.busy', 'call.canceled'].includes(t)));
        assert.ok(types.indexOf('call.recording_ready') > 0, 'call.recording_ready');
        if (spec.supplies.transcript) assert.ok(types.includes('call.transcript_ready'));
        if (spec.supplies.summary) assert.ok(types.includes('call.summary_ready'));
        // Status events only move forward: nothing non-terminal after call.completed.
        for (const t of types.slice(completedAt + 1))
          assert.ok(!['call.queued', 'call.ringing', 'call.in_progress'].includes(t), `${t} after completed`);
        const last = events[completedAt];
        assert.equal(last.data.call.status, 'completed');
        assert.equal(last.data.call.id, created.id);
        // The end arrived by the vendor's webhook (reads never poll), stamped with the vendor's own event.
        assert.equal(last.data.provider.source, 'webhook', 'call.completed came from a webhook');
        assert.equal(typeof last.data.provider.event_type, 'string');
        assert.match(last.data.provider.received_at, ISO_Z);
        assert.equal(last.data.previous_status !== 'completed', true);
      });

      for (const outcome of ['no_answer', 'busy', 'failed'] as const) {
        const expected = spec.outcomes[outcome];
        it(`a ${outcome} scenario ends as ${expected}`, async () => {
          const { human, e164 } = OUTCOME_NUMBERS[outcome];
          const set = await sb.vendors[vendor].sim.post('/__sim/scenario', { to: e164, outcome });
          assert.equal(set.status, 200, set.text);
          const created = assertCreatedCall(
            await api.post('/v1/calls', { to: human, agent_id: sb.agentId, provider: vendor }),
            vendor,
            sb,
            e164,
          );

          // The reason of a failure may come in a later webhook than the end itself.
          const done = await waitForCall(
            api,
            created.id,
            (c) => TERMINAL_STATUSES.includes(c.status) && (expected !== 'failed' || c.error !== null),
            `call ${created.id} to end`,
          );
          assert.equal(done.status, expected);
          assert.equal(done.answered_at, null, 'never answered');
          assert.ok(!done.transcript?.length);
          assert.ok(!done.duration_seconds, 'no talk time');
          if (spec.supplies.times) assert.match(done.ended_at, ISO_Z);
          if (expected === 'failed')
            assert.ok(done.error && typeof done.error.code === 'string', 'a failed call says why');
          if (outcome === 'failed') assert.equal(done.status, 'failed');

          const types = (await timeline(api, created.id)).map((e) => e.type);
          assert.equal(types[0], 'call.created');
          assert.equal(types.filter((t) => t === `call.${expected}`).length, 1);
          assert.ok(!types.includes('call.completed'));
          assert.ok(!types.includes('call.in_progress'), 'never in progress');
          const final = (await timeline(api, created.id)).find((e) => e.type === `call.${expected}`)!;
          assert.equal(final.data.provider.source, 'webhook', `call.${expected} came from a webhook`);
        });
      }
    });
  }

  describe('live control and cancel', () => {
    const LONG = { ring_ms: 300, talk_ms: 600_000 };

    async function liveCall(vendor: Vendor, e164: string): Promise<any> {
      assert.equal((await sb.vendors[vendor].sim.post('/__sim/scenario', { to: e164, ...LONG })).status, 200);
      const res = await api.post('/v1/calls', { to: e164, agent_id: sb.agentId, provider: vendor });
      assert.equal(res.status, 201, res.text);
      return waitForCall(
        api,
        res.body.id,
        (c) => c.status === 'in_progress' || (TERMINAL_STATUSES as readonly string[]).includes(c.status),
        `${vendor} call to be answered`,
      );
    }

    it('HMS Sovereign: say on a live call is 200 and reaches the vendor; cancel ends it; both are 409 afterwards', async () => {
      const call = await liveCall('hmsovereign', '+15550104040');
      assert.equal(call.status, 'in_progress');

      const say = await api.post(`/v1/calls/${call.id}/control`, { action: 'say', text: 'One moment please.' });
      assert.equal(say.status, 200, say.text);
      assert.equal(say.body.id, call.id);
      assert.equal(say.body.status, 'in_progress');
      const [dialed] = await dialedBy(sb.vendors.hmsovereign, (d) => d.call_id === call.provider_call_id);
      const says = dialed.commands.filter((c: any) => c.type === 'say');
      assert.equal(says.length, 1);
      assert.equal(says[0].body.content, 'One moment please.');

      const missing = await api.post(`/v1/calls/${call.id}/control`, { action: 'say' });
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error.code, 'validation_failed');
      assert.deepEqual(
        missing.body.error.details.map((d: any) => d.field),
        ['text'],
      );

      const cancel = await api.post(`/v1/calls/${call.id}/cancel`);
      assert.equal(cancel.status, 200, cancel.text);
      const ended = (TERMINAL_STATUSES as readonly string[]).includes(cancel.body.status)
        ? cancel.body
        : await waitForTerminal(api, call.id);
      assert.ok(
        (TERMINAL_STATUSES as readonly string[]).includes(ended.status),
        `terminal after cancel: ${ended.status}`,
      );
      assert.match(ended.ended_at, ISO_Z);
      const [after] = await dialedBy(sb.vendors.hmsovereign, (d) => d.call_id === call.provider_call_id);
      assert.ok(
        after.commands.some((c: any) => c.type === 'end-call'),
        'the vendor was told to end the call',
      );
      assert.ok(['ended', 'failed'].includes(after.status), `vendor status ${after.status}`);

      const again = await api.post(`/v1/calls/${call.id}/cancel`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'conflict');
      const late = await api.post(`/v1/calls/${call.id}/control`, { action: 'say', text: 'too late' });
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'conflict');

      const types = (await timeline(api, call.id)).map((e) => e.type);
      assert.equal(types[0], 'call.created');
      assert.ok(types.includes('call.in_progress'));
      assert.ok(types.includes(`call.${ended.status}`));
      assert.ok(types.indexOf('call.in_progress') < types.indexOf(`call.${ended.status}`));
    });

    it('Kalem: control and cancel are 422 capability_unsupported and the call goes on', async () => {
      const call = await liveCall('kalem', '+15550104041');
      assert.equal(call.status, 'in_progress');

      const say = await api.post(`/v1/calls/${call.id}/control`, { action: 'say', text: 'hello' });
      assert.equal(say.status, 422, say.text);
      assert.equal(say.body.error.code, 'capability_unsupported');
      assert.match(say.body.error.message, /kalem/);
      assert.deepEqual(say.body.error.details, [{ provider: 'kalem', capability: 'control:say' }]);

      const cancel = await api.post(`/v1/calls/${call.id}/cancel`);
      assert.equal(cancel.status, 422, cancel.text);
      assert.equal(cancel.body.error.code, 'capability_unsupported');
      assert.match(cancel.body.error.message, /kalem/);
      assert.deepEqual(cancel.body.error.details, [{ provider: 'kalem', capability: 'cancel_call' }]);

      const still = await api.get(`/v1/calls/${call.id}`);
      assert.equal(still.body.status, 'in_progress');
      const [dialed] = await dialedBy(sb.vendors.kalem, (d) => d.call_id === call.provider_call_id);
      assert.equal(dialed.status, 'in_progress', 'nothing was sent to end it');
    });

    it('HMS Sovereign: cancel while the call is still ringing is a 409 the client can retry, and ends nothing by pretence', async () => {
      // HMS accepts end-call only once a call is in progress; the gateway must not report a
      // cancellation the vendor did not carry out (the phone would go on ringing).
      assert.equal(
        (
          await sb.vendors.hmsovereign.sim.post('/__sim/scenario', {
            to: '+15550104042',
            ring_ms: 600_000,
            talk_ms: 600_000,
          })
        ).status,
        200,
      );
      const res = await api.post('/v1/calls', { to: '+15550104042', agent_id: sb.agentId, provider: 'hmsovereign' });
      assert.equal(res.status, 201, res.text);
      assert.ok(['queued', 'ringing'].includes(res.body.status));
      const cancel = await api.post(`/v1/calls/${res.body.id}/cancel`);
      assert.equal(cancel.status, 409, cancel.text);
      assert.equal(cancel.body.error.code, 'conflict');
      assert.match(cancel.body.error.message, /not active|connecting/i);
      const still = await api.get(`/v1/calls/${res.body.id}`);
      assert.ok(['queued', 'ringing'].includes(still.body.status), 'the call is not reported as ended');
    });
  });
});
