import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type { AdapterContext, CreateCallInput, ProviderAdapter, ProviderCall } from '@switchboard/core';
import { CapabilityUnsupportedError, ProviderError, isTerminal } from '@switchboard/core';
import { createAxiosTransport } from '../common';
import {
  HMSOVEREIGN_BASE_PATH,
  SEEDED_ASSISTANT_IDS,
  SEEDED_NUMBER_IDS,
  startHmsSovereignSimulator,
} from '@switchboard/simulators/hmsovereign';
import { pollUntil } from '@switchboard/simulators/testing';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { createHmsSovereignAdapter } from './hmsovereign.adapter';

const AGENT = SEEDED_ASSISTANT_IDS.appointments;
const DEFAULT_FROM = '+31201234567';
const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let sim: RunningSimulator;
const control = axios.create({ validateStatus: () => true });
const simPost = (path: string, body: unknown) => control.post(`${sim.url}/__sim/${path}`, body);
const dialed = async (): Promise<any[]> => (await control.get(`${sim.url}/__sim/calls`)).data.calls;

function adapterWith(overrides: Partial<AdapterContext> = {}, timeoutMs?: number): ProviderAdapter {
  return createHmsSovereignAdapter({
    baseUrl: `${sim.url}${HMSOVEREIGN_BASE_PATH}`,
    credentials: { api_key: sim.apiKey },
    defaults: { from: DEFAULT_FROM, number_id: SEEDED_NUMBER_IDS.appointments },
    http: createAxiosTransport(axios.create(), timeoutMs),
    now: () => new Date(),
    ...overrides,
  });
}

function callInput(to: string, extra: Partial<CreateCallInput> = {}): CreateCallInput {
  return {
    to,
    providerAgentId: AGENT,
    record: true,
    metadata: { crm_id: 'c-42' },
    reference: `call_${to.slice(-4)}`,
    ...extra,
  };
}

async function rejectsWith(promise: Promise<unknown>, check: (e: ProviderError) => void): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ProviderError, `expected ProviderError, got ${String(e)}`);
    check(e);
    return true;
  });
}

const untilTerminal = (adapter: ProviderAdapter, id: string) =>
  pollUntil(
    () => adapter.getCall(id),
    (c) => isTerminal(c.status),
    { timeoutMs: 10_000, intervalMs: 30, what: `call ${id} terminal` },
  );

describe('HMS Sovereign adapter against the simulator', () => {
  let adapter: ProviderAdapter;

  before(async () => {
    sim = await startHmsSovereignSimulator({ speed: 200 });
    // Polling makes far more than the vendor's 100 requests/min; the limit has its own test below.
    await simPost('config', { rate_limits: false });
    adapter = adapterWith();
  });

  after(async () => {
    await sim.close();
  });

  it('creates a call, sends the vendor-native body, and follows it to completed', async () => {
    const to = '+31610000001';
    await simPost('scenario', { to, outcome: 'completed', ring_ms: 2_000, talk_ms: 20_000 });
    const { call, warnings } = await adapter.createCall(
      callInput(to, { firstMessage: 'Goedemorgen!', context: 'Herinnering afspraak', maxDurationSeconds: 300 }),
    );
    assert.deepEqual(warnings, []);
    assert.equal(call.status, 'ringing');
    assert.equal(call.providerStatus, 'dialing');
    assert.ok(call.providerCallId);
    assert.ok(call.metadata?.room_name);

    const sent = (await dialed()).find((d) => d.call_id === call.providerCallId);
    assert.deepEqual(sent.request, {
      destination: to,
      assistant_id: AGENT,
      first_message: 'Goedemorgen!',
      context: 'Herinnering afspraak',
      number_id: SEEDED_NUMBER_IDS.appointments,
      assistant_override: { max_duration_seconds: 300, metadata: { crm_id: 'c-42', switchboard_call_id: 'call_0001' } },
    });

    const done = await untilTerminal(adapter, call.providerCallId);
    assert.equal(done.status, 'completed');
    assert.equal(done.providerStatus, 'ended');
    assert.equal(done.direction, 'outbound');
    assert.equal(done.to, to);
    assert.equal(done.from, DEFAULT_FROM);
    assert.equal(done.providerAgentId, AGENT);
    assert.equal(done.durationSeconds, 20);
    assert.equal(done.cost, null); // HMS reports no cost
    assert.equal(done.error, null);
    assert.match(done.recordingUrl ?? '', /^https:\/\//);
    assert.ok(done.summary);
    assert.ok(done.transcript && done.transcript.length > 0);
    assert.ok(done.transcript.every((t) => ['agent', 'user'].includes(t.role) && t.text));
    for (const at of [done.createdAt, done.answeredAt, done.endedAt]) assert.match(at ?? '', ISO_Z);
    assert.equal(done.metadata?.room_name, call.metadata?.room_name);
  });

  for (const [outcome, status, errorText, to] of [
    ['no_answer', 'no_answer', /no answer/i, '+31610000101'],
    ['busy', 'busy', /busy/i, '+31610000102'],
    ['failed', 'failed', /.+/, '+31610000103'],
  ] as const) {
    it(`maps a ${outcome} outcome (failed + error text) to ${status}`, async () => {
      await simPost('scenario', { to, outcome, ring_ms: 2_000, talk_ms: 0 });
      const { call } = await adapter.createCall(callInput(to));
      const done = await untilTerminal(adapter, call.providerCallId);
      assert.equal(done.status, status);
      assert.equal(done.providerStatus, 'failed');
      // The vendor's text explains every outcome (kept raw); only a real failure is also an `error`.
      assert.equal(done.endReason, status === 'failed' ? 'provider_error' : status);
      assert.match(done.providerEndReason ?? '', errorText);
      if (status === 'failed') assert.match(done.error?.message ?? '', errorText);
      else assert.equal(done.error, null);
      assert.equal(done.durationSeconds, 0);
      assert.equal(done.answeredAt, null);
      assert.match(done.createdAt ?? '', ISO_Z);
      assert.match(done.endedAt ?? '', ISO_Z);
    });
  }

  it('dials from another account number by looking up its id, and refuses an unknown one', async () => {
    const to = '+31610000201';
    await simPost('scenario', { to, outcome: 'completed', ring_ms: 1_000, talk_ms: 1_000 });
    const { call } = await adapter.createCall(callInput(to, { from: '+31201234568' }));
    assert.equal(call.from, '+31201234568');
    assert.equal(
      (await dialed()).find((d) => d.call_id === call.providerCallId).request.number_id,
      SEEDED_NUMBER_IDS.reminders,
    );
    await rejectsWith(adapter.createCall(callInput(to, { from: '+31209999999' })), (e) => {
      assert.equal(e.kind, 'invalid_request');
      assert.deepEqual(
        e.fieldErrors.map((f) => f.field),
        ['from'],
      );
    });
  });

  it('lists recent calls newest first', async () => {
    const calls = await adapter.listCalls({ createdAfter: new Date(Date.now() - 60_000), limit: 3 });
    assert.equal(calls.length, 3);
    const times = calls.map((c) => Date.parse(c.createdAt ?? ''));
    assert.deepEqual(
      [...times].sort((a, b) => b - a),
      times,
    );
  });

  it('lists agents and numbers, creates and updates an agent', async () => {
    const agents = await adapter.listAgents();
    assert.ok(agents.some((a) => a.providerAgentId === AGENT && a.name === 'Afspraken'));
    const numbers = await adapter.listNumbers();
    const first = numbers.find((n) => n.providerNumberId === SEEDED_NUMBER_IDS.appointments);
    assert.equal(first?.number, DEFAULT_FROM);
    assert.equal(first?.providerAgentId, AGENT);

    const created = await adapter.createAgent({
      name: 'Switchboard test',
      systemPrompt: 'Wees kort.',
      firstMessage: 'Hallo!',
      voice: 'nl-1',
      model: 'gpt-4o-mini',
    });
    assert.ok(created.providerAgentId);
    assert.equal(created.name, 'Switchboard test');
    assert.equal(created.details.first_message, 'Hallo!');
    const updated = await adapter.updateAgent(created.providerAgentId, { name: 'Switchboard renamed' });
    assert.equal(updated.providerAgentId, created.providerAgentId);
    assert.equal(updated.name, 'Switchboard renamed');
    assert.equal(updated.details.first_message, 'Hallo!');
    assert.ok((await adapter.listAgents()).some((a) => a.name === 'Switchboard renamed'));
  });

  it('controls a live call (say, inject_context) and cancels it with end-call', async () => {
    const to = '+31610000301';
    await simPost('scenario', { to, outcome: 'completed', ring_ms: 1_000, talk_ms: 3_600_000 });
    const { call } = await adapter.createCall(callInput(to));
    await pollUntil(
      () => adapter.getCall(call.providerCallId),
      (c) => c.status === 'in_progress',
      { what: 'in_progress' },
    );
    await adapter.controlCall(call.providerCallId, { action: 'say', text: 'Een moment alstublieft.' });
    await adapter.controlCall(call.providerCallId, { action: 'inject_context', text: 'Klant is VIP.' });
    await adapter.cancelCall(call.providerCallId);
    const done = await untilTerminal(adapter, call.providerCallId);
    assert.equal(done.status, 'completed');
    const commands = (await dialed()).find((d) => d.call_id === call.providerCallId).commands;
    assert.deepEqual(
      commands.map((c: { body: unknown }) => c.body),
      [
        { type: 'say', content: 'Een moment alstublieft.', end_after: false },
        { type: 'inject-context', content: 'Klant is VIP.', trigger_response: false },
        { type: 'end-call' },
      ],
    );
  });

  it('transfers a live call', async () => {
    const to = '+31610000302';
    await simPost('scenario', { to, outcome: 'completed', ring_ms: 1_000, talk_ms: 3_600_000 });
    const { call } = await adapter.createCall(callInput(to));
    await pollUntil(
      () => adapter.getCall(call.providerCallId),
      (c) => c.status === 'in_progress',
      { what: 'in_progress' },
    );
    await adapter.controlCall(call.providerCallId, {
      action: 'transfer',
      to: '+31201112233',
      text: 'Ik verbind u door.',
    });
    assert.equal((await untilTerminal(adapter, call.providerCallId)).status, 'completed');
    const commands = (await dialed()).find((d) => d.call_id === call.providerCallId).commands;
    assert.deepEqual(commands[0].body, {
      type: 'transfer',
      destination: '+31201112233',
      message: 'Ik verbind u door.',
    });
  });

  it('cancel before the call is answered → conflict (the vendor only controls in-progress calls)', async () => {
    const to = '+31610000303';
    await simPost('scenario', { to, outcome: 'completed', ring_ms: 3_600_000, talk_ms: 1_000 });
    const { call } = await adapter.createCall(callInput(to));
    await rejectsWith(adapter.cancelCall(call.providerCallId), (e) => {
      assert.equal(e.kind, 'conflict');
      assert.equal(e.status, 400);
    });
  });

  it('throws CapabilityUnsupportedError without any HTTP call where the vendor cannot', async () => {
    const before = (await dialed()).length;
    await assert.rejects(
      adapter.deleteCall('x'),
      (e: unknown) => e instanceof CapabilityUnsupportedError && e.capability === 'deleteCall',
    );
    await assert.rejects(
      adapter.createCall(callInput('sip:jan@example.com')),
      (e: unknown) => e instanceof CapabilityUnsupportedError && e.capability === 'sipDestinations',
    );
    assert.equal((await dialed()).length, before);
  });

  it('unknown call → not_found', async () => {
    await rejectsWith(adapter.getCall('no-such-call'), (e) => assert.equal(e.kind, 'not_found'));
  });

  it('wrong key → auth, without the key in the message', async () => {
    const wrong = adapterWith({ credentials: { api_key: 'fl_live_wrong_key_123' } });
    await rejectsWith(wrong.listCalls({ limit: 1 }), (e) => {
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 401);
      assert.doesNotMatch(e.message, /wrong_key_123/);
    });
  });

  it('injected 503 → retryable', async () => {
    await simPost('faults', { mode: 'error', status: 503, count: 1 });
    await rejectsWith(adapter.getCall('anything'), (e) => {
      assert.equal(e.kind, 'retryable');
      assert.equal(e.status, 503);
    });
  });

  it('injected rate limit → rate_limited with resetAt', async () => {
    await simPost('faults', { mode: 'rate_limit', count: 1 });
    const asked = Date.now();
    await rejectsWith(adapter.listCalls({ limit: 1 }), (e) => {
      assert.equal(e.kind, 'rate_limited');
      assert.equal(e.vendorCode, 'rate_limit_exceeded');
      assert.ok(e.resetAt && e.resetAt.getTime() > asked - 1_000);
    });
  });

  it('vendor rate limit (100/min) → rate_limited with resetAt from Retry-After', async () => {
    await simPost('config', { rate_limits: true });
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 110 }, () => adapter.listAgents()));
      const limited = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.ok(limited, 'expected a 429 among 110 requests');
      assert.equal((limited.reason as ProviderError).kind, 'rate_limited');
      assert.ok((limited.reason as ProviderError).resetAt instanceof Date);
    } finally {
      await simPost('config', { rate_limits: false });
    }
  });

  it('timeout after the call was placed → ambiguous, and listCalls finds the call', async () => {
    const to = '+31610000401';
    await simPost('scenario', { to, outcome: 'completed', ring_ms: 2_000, talk_ms: 2_000 });
    await simPost('faults', { mode: 'timeout', after_create: true, delay_ms: 1_500, count: 1 });
    const impatient = adapterWith({}, 300);
    const createdAfter = new Date(Date.now() - 5_000);
    await rejectsWith(impatient.createCall(callInput(to, { reference: 'call_ambiguous' })), (e) => {
      assert.equal(e.kind, 'ambiguous');
      assert.equal(e.code, 'provider_timeout');
    });
    const recent = await adapter.listCalls({ createdAfter, limit: 20 });
    const found = recent.filter((c: ProviderCall) => c.to === to && c.direction === 'outbound');
    assert.equal(found.length, 1);
    // The record does not echo metadata, but the vendor got the reference with the request.
    const sent = (await dialed()).find((d) => d.call_id === found[0].providerCallId);
    assert.equal(sent.request.assistant_override.metadata.switchboard_call_id, 'call_ambiguous');
  });
});
