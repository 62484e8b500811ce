import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import {
  AdapterContext,
  CallStatus,
  CapabilityUnsupportedError,
  CreateCallInput,
  HttpTransport,
  ProviderAdapter,
  ProviderCall,
  ProviderError,
  isTerminal,
} from '@switchboard/core';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { KLEN_DEFAULT_API_KEY, startKlenSimulator } from '@switchboard/simulators/klen';
import { pollUntil, WebhookReceiver } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { createKlenAdapter } from './klen.adapter';
import { KlenCapabilities } from './klen.capabilities';
import { mapKlenWebhook } from './klen.mappers';

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Counts requests, to prove unsupported capabilities never reach the vendor. */
function counting(inner: HttpTransport): HttpTransport & { count: number } {
  const spy = { count: 0, request: (r: Parameters<HttpTransport['request']>[0]) => (spy.count++, inner.request(r)) };
  return spy;
}

describe('Klen adapter against the Klen simulator', () => {
  let sim: RunningSimulator;
  let sut: ProviderAdapter;
  let transport: HttpTransport & { count: number };
  const hooks = new WebhookReceiver();
  let seq = 0;

  const contextFor = (overrides: Partial<AdapterContext> = {}): AdapterContext => ({
    baseUrl: `${sim.url}/api/v1`,
    credentials: { api_key: KLEN_DEFAULT_API_KEY },
    defaults: {},
    http: createAxiosTransport(axios.create()),
    now: () => new Date(),
    ...overrides,
  });
  const control = async (path: string, body: unknown) => (await axios.post(`${sim.url}${path}`, body)).data;
  const dialed = async (): Promise<any[]> => (await axios.get(`${sim.url}/__sim/calls`)).data.calls;
  const input = (to: string, extra: Partial<CreateCallInput> = {}): CreateCallInput => ({
    to,
    providerAgentId: 'assistant_777',
    record: true,
    metadata: {},
    reference: `call_test${String(++seq).padStart(4, '0')}`,
    ...extra,
  });
  const untilTerminal = (id: string) =>
    pollUntil(() => sut.getCall(id), (call) => isTerminal(call.status), { timeoutMs: 10_000, intervalMs: 20, what: `terminal ${id}` });
  const rejectsWith = (promise: Promise<unknown>, kind: ProviderError['kind']) =>
    assert.rejects(promise, (e: unknown) => e instanceof ProviderError && e.provider === 'klen' && e.kind === kind);

  before(async () => {
    sim = await startKlenSimulator({ speed: 200 });
    // Polling would otherwise spend the vendor's 60 requests/minute.
    await control('/__sim/config', { rate_limits: false });
    await hooks.start();
    await axios.post(
      `${sim.url}/api/webhooks/create/`,
      { name: 'gateway', url: `${hooks.url}/hooks/klen`, subscribed_events: ['call.failed'] },
      { headers: { Authorization: `Bearer ${KLEN_DEFAULT_API_KEY}` } },
    );
    transport = counting(createAxiosTransport(axios.create()));
    sut = createKlenAdapter(contextFor({ http: transport }));
  });

  after(async () => {
    await hooks.stop();
    await sim.close();
  });

  it('is immutable and declares Klen as calls-only', () => {
    assert.equal(sut.specificationVersion, 'v1');
    assert.equal(sut.provider, 'klen');
    assert.equal(sut.capabilities, KlenCapabilities);
    assert.equal(Object.isFrozen(sut), true);
  });

  it('creates a call, polls it to completed and reads everything Klen supplies', async () => {
    await control('/__sim/scenario', { to: '+15550001001', outcome: 'completed', ring_ms: 2_000, talk_ms: 90_000 });
    const { call: created, warnings } = await sut.createCall(input('+15550001001'));
    assert.deepEqual(warnings, []);
    assert.match(created.providerCallId, /^call_/);
    assert.equal(created.status, 'queued');
    assert.equal(created.to, '+15550001001');
    assert.equal(created.providerAgentId, 'assistant_777');
    assert.match(created.createdAt ?? '', ISO_Z);

    await untilTerminal(created.providerCallId);
    // Transcript, summary and recording arrive after the call ends.
    const done = await pollUntil(() => sut.getCall(created.providerCallId), (c) => c.recordingUrl !== null && c.summary !== null && c.transcript !== null, {
      intervalMs: 20,
      what: 'post-call artifacts',
    });
    assert.equal(done.status, 'completed');
    assert.equal(done.providerStatus, 'completed');
    assert.equal(done.durationSeconds, 90);
    assert.deepEqual(done.cost, { amount: 0.45, currency: 'USD' });
    for (const at of [done.startedAt, done.answeredAt, done.endedAt]) assert.match(at ?? '', ISO_Z);
    assert.ok(Date.parse(done.endedAt!) >= Date.parse(done.startedAt!));
    assert.match(done.recordingUrl ?? '', /\.mp3$/);
    assert.equal(done.transcript?.[0].role, 'agent');
    assert.ok(done.transcript!.some((turn) => turn.role === 'user'));
    assert.equal(done.error, null);
  });

  for (const [outcome, to, reason, viaWebhook] of [
    ['no_answer', '+15550002001', 'no-answer', 'no_answer'],
    ['busy', '+15550002002', 'busy', 'busy'],
    ['failed', '+15550002003', 'failed', 'failed'],
  ] as const) {
    it(`polls a ${outcome} call to failed (GET hides the reason) and the call.failed webhook refines it`, async () => {
      await control('/__sim/scenario', { to, outcome, ring_ms: 2_000 });
      const { call } = await sut.createCall(input(to));
      const final: ProviderCall = await untilTerminal(call.providerCallId);
      assert.equal(final.status, 'failed');
      assert.equal(final.providerStatus, 'failed');
      assert.equal(final.durationSeconds, 0);
      assert.equal(final.startedAt, null);
      assert.match(final.endedAt ?? '', ISO_Z);
      assert.deepEqual(final.cost, { amount: 0, currency: 'USD' });

      const hook = await pollUntil(
        () => hooks.received.find((h) => h.json?.call?.klen_call_id === call.providerCallId),
        (h) => h !== undefined,
        { what: `call.failed webhook for ${call.providerCallId}` },
      );
      const event = mapKlenWebhook(hook!.json);
      assert.equal(event.call.status, viaWebhook as CallStatus);
      assert.equal(event.call.endReason, reason);
    });
  }

  it('sends the vendor-native body: phone_number, agent_id and the reference in variables, Bearer auth', async () => {
    const request = input('+15550003001', { providerAgentId: '12', context: 'VIP', variables: { plan: 'gold' } });
    const { call } = await sut.createCall(request);
    const native = (await dialed()).find((c) => c.call_id === call.providerCallId);
    assert.equal(native.auth_style, 'bearer');
    assert.equal(native.agent_id, 12);
    assert.deepEqual(native.request, {
      phone_number: '+15550003001',
      agent_id: 12,
      variables: { plan: 'gold', context: 'VIP', switchboard_call_id: request.reference },
    });
  });

  it('lists recent calls newest first, bounded by limit and createdAfter', async () => {
    const since = new Date();
    const first = (await sut.createCall(input('+15550004001'))).call;
    const second = (await sut.createCall(input('+15550004002'))).call;
    const two = await sut.listCalls({ limit: 2 });
    assert.deepEqual(two.map((c) => c.providerCallId), [second.providerCallId, first.providerCallId]);
    const recent = await sut.listCalls({ createdAfter: since, limit: 100 });
    assert.ok(recent.some((c) => c.providerCallId === first.providerCallId));
    const future = await sut.listCalls({ createdAfter: new Date(Date.now() + 3_600_000) });
    assert.ok(future.every((c) => c.startedAt === null && c.endedAt === null), 'only still-queued calls lack a time');
  });

  it('answers a wrong key with auth and keeps the key out of the message', async () => {
    const wrong = createKlenAdapter(contextFor({ credentials: { api_key: 'klen_wrong_1234567890' } }));
    await assert.rejects(wrong.listCalls({}), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, 'auth');
      assert.equal(e.vendorCode, 'invalid_key');
      assert.doesNotMatch(e.message, /1234567890/);
      return true;
    });
  });

  it('maps an unknown call id to not_found', async () => {
    await rejectsWith(sut.getCall('call_000000000000'), 'not_found');
  });

  it('maps injected 503s to retryable and rate limits to rate_limited with resetAt', async () => {
    await control('/__sim/faults', { mode: 'error', status: 503, count: 1 });
    await rejectsWith(sut.listCalls({}), 'retryable');

    await control('/__sim/faults', { mode: 'rate_limit', count: 1 });
    const start = Date.now();
    await assert.rejects(sut.getCall('call_000000000000'), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, 'rate_limited');
      assert.ok(e.resetAt && e.resetAt.getTime() >= start + 900, 'Retry-After: 1 is honoured');
      return true;
    });
  });

  it('reports a create that timed out after sending as ambiguous, and finds the call in listCalls', async () => {
    const since = new Date();
    const impatient = createKlenAdapter(contextFor({ http: createAxiosTransport(axios.create(), 300) }));
    await control('/__sim/faults', { mode: 'timeout', after_create: true, delay_ms: 1_500, count: 1 });
    const request = input('+15550005001');
    await rejectsWith(impatient.createCall(request), 'ambiguous');

    // Klen echoes no variables, so the call is found by number + agent after the create time.
    const candidates = await sut.listCalls({ createdAfter: since });
    const found = candidates.filter((c) => c.to === request.to && c.providerAgentId === request.providerAgentId);
    assert.equal(found.length, 1);
    const native = (await dialed()).find((c) => c.call_id === found[0].providerCallId);
    assert.equal(native.request.variables.switchboard_call_id, request.reference);
  });

  it('refuses what Klen cannot do without any HTTP call', async () => {
    const sent = transport.count;
    const unsupported: [Promise<unknown>, string][] = [
      [sut.cancelCall('call_x'), 'cancelCall'],
      [sut.deleteCall('call_x'), 'deleteCall'],
      [sut.controlCall('call_x', { action: 'say', text: 'hi' }), 'control'],
      [sut.listAgents(), 'listAgents'],
      [sut.createAgent({ name: 'x' }), 'createAgent'],
      [sut.updateAgent('assistant_777', { name: 'x' }), 'updateAgent'],
      [sut.listNumbers(), 'listNumbers'],
      [sut.createCall(input('sip:ana@example.com')), 'sipDestinations'],
    ];
    for (const [promise, capability] of unsupported)
      await assert.rejects(promise, (e: unknown) => e instanceof CapabilityUnsupportedError && e.capability === capability && e.provider === 'klen');
    assert.equal(transport.count, sent);
  });
});
