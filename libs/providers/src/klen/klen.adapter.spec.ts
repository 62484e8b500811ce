import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type {
  AdapterContext,
  CallStatus,
  CreateCallInput,
  HttpRequest,
  HttpTransport,
  InboundWebhookRequest,
  ProviderAdapter,
  ProviderCall,
  WebhookObservation,
  WebhookRegistration,
} from '@switchboard/core';
import { CapabilityUnsupportedError, ProviderError, isTerminal, nextStatus } from '@switchboard/core';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { KLEN_DEFAULT_API_KEY, startKlenSimulator } from '@switchboard/simulators/klen';
import type { ReceivedWebhook } from '@switchboard/simulators/testing';
import { pollUntil, WebhookReceiver } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { createKlenAdapter } from './klen.adapter';
import { KlenCapabilities } from './klen.capabilities';
import { KLEN_CALL_EVENTS } from './klen.webhooks';

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Records requests, to prove unsupported capabilities never reach the vendor. */
function counting(inner: HttpTransport): HttpTransport & { count: number; sent: HttpRequest[] } {
  const spy = {
    count: 0,
    sent: [] as HttpRequest[],
    request: (r: HttpRequest) => (spy.count++, spy.sent.push(r), inner.request(r)),
  };
  return spy;
}

/** What the gateway hands the adapter: lower-cased headers (Node's already are) and the raw bytes. */
const asInbound = (hook: ReceivedWebhook): InboundWebhookRequest => ({
  headers: Object.fromEntries(Object.entries(hook.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
  rawBody: Buffer.from(hook.raw, 'utf8'),
  pathToken: null,
});

/** The status the gateway ends at after applying the observations in arrival order. */
const statusAfter = (start: CallStatus, observations: WebhookObservation[]) =>
  observations.reduce((status, o) => (o.call.status ? nextStatus(status, o.call.status) : status), start);

describe('Klen adapter against the Klen simulator', () => {
  let sim: RunningSimulator;
  let sut: ProviderAdapter;
  let transport: ReturnType<typeof counting>;
  let registration: WebhookRegistration;
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
    pollUntil(
      () => sut.getCall(id),
      (call) => isTerminal(call.status),
      { timeoutMs: 10_000, intervalMs: 20, what: `terminal ${id}` },
    );
  const rejectsWith = (promise: Promise<unknown>, kind: ProviderError['kind']) =>
    assert.rejects(promise, (e: unknown) => e instanceof ProviderError && e.provider === 'klen' && e.kind === kind);

  /** Waits for the `count` webhooks about the call to `to` and checks each as the gateway would. */
  async function delivered(to: string, providerCallId: string, count: number): Promise<WebhookObservation[]> {
    const about = () => hooks.received.filter((h) => h.json?.call?.phone_number === to);
    const received = await pollUntil(about, (list) => list.length >= count, { what: `${count} webhooks about ${to}` });
    assert.equal(received.length, count);
    return received.map((hook) => {
      assert.equal(hook.path, '/hooks/klen');
      const request = asInbound(hook);
      assert.deepEqual(sut.verifyWebhook(request, registration.secret, new Date()), { ok: true });
      // Klen signs with the secret it issued, not the one the gateway proposed.
      for (const wrong of [`${registration.secret}x`, 'gateway-chosen-secret'])
        assert.deepEqual(sut.verifyWebhook(request, wrong, new Date()), { ok: false, reason: 'bad_signature' });
      const parsed = sut.parseWebhook(request);
      assert.ok(parsed.kind === 'call', JSON.stringify(parsed));
      const { observation } = parsed;
      assert.equal(observation.providerCallId, providerCallId);
      assert.match(observation.occurredAt ?? '', ISO_Z);
      return observation;
    });
  }

  before(async () => {
    sim = await startKlenSimulator({ speed: 200 });
    // Polling would otherwise spend the vendor's 60 requests/minute.
    await control('/__sim/config', { rate_limits: false });
    await hooks.start();
    transport = counting(createAxiosTransport(axios.create()));
    sut = createKlenAdapter(contextFor({ http: transport }));
    registration = await sut.registerWebhooks({ url: `${hooks.url}/hooks/klen`, secret: 'gateway-chosen-secret' });
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

  it('registers one endpoint for every call event outside /v1 and returns the secret Klen issued', () => {
    const [create] = transport.sent;
    assert.equal(create.method, 'POST');
    assert.equal(create.url, `${sim.url}/api/webhooks/create/`);
    assert.equal(create.headers?.Authorization, `Bearer ${KLEN_DEFAULT_API_KEY}`);
    assert.deepEqual(create.body, {
      name: 'Switchboard gateway',
      url: `${hooks.url}/hooks/klen`,
      subscribed_events: [...KLEN_CALL_EVENTS],
    });
    assert.match(registration.secret, /^whsec_[0-9a-f]{48}$/);
    assert.match(registration.providerRegistrationId ?? '', /^\d+$/);
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
    const done = await pollUntil(
      () => sut.getCall(created.providerCallId),
      (c) => c.recordingUrl !== null && c.summary !== null && c.transcript !== null,
      {
        intervalMs: 20,
        what: 'post-call artifacts',
      },
    );
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

    const observed = await delivered('+15550001001', created.providerCallId, 5);
    assert.deepEqual(
      observed.map((o) => o.eventType).sort(),
      [...KLEN_CALL_EVENTS].filter((e) => e !== 'call.failed').sort(),
    );
    assert.deepEqual(
      observed.slice(0, 2).map((o) => o.eventType),
      ['call.started', 'call.ended'],
    );
    assert.equal(statusAfter('queued', observed), 'completed');
    const byEvent = new Map(observed.map((o) => [o.eventType, o.call]));
    assert.equal(byEvent.get('call.ended')?.durationSeconds, 90);
    assert.equal(byEvent.get('call.recording')?.recordingUrl, done.recordingUrl);
    assert.deepEqual(byEvent.get('call.transcript')?.transcript, done.transcript);
    assert.equal(byEvent.get('call.summary')?.summary, done.summary);
  });

  for (const [outcome, to, reason, viaWebhook] of [
    ['no_answer', '+15550002001', 'no-answer', 'no_answer'],
    ['busy', '+15550002002', 'busy', 'busy'],
    ['failed', '+15550002003', 'failed', 'failed'],
  ] as const) {
    it(`polls a ${outcome} call to failed (GET hides the reason) and the signed call.failed webhook refines it`, async () => {
      await control('/__sim/scenario', { to, outcome, ring_ms: 2_000 });
      const { call } = await sut.createCall(input(to));
      const final: ProviderCall = await untilTerminal(call.providerCallId);
      assert.equal(final.status, 'failed');
      assert.equal(final.providerStatus, 'failed');
      assert.equal(final.durationSeconds, 0);
      assert.equal(final.startedAt, null);
      assert.match(final.endedAt ?? '', ISO_Z);
      assert.deepEqual(final.cost, { amount: 0, currency: 'USD' });

      const observed = await delivered(to, call.providerCallId, 1);
      assert.deepEqual(
        observed.map((o) => o.eventType),
        ['call.failed'],
      );
      assert.equal(observed[0].call.endReason, viaWebhook === 'failed' ? 'provider_error' : viaWebhook);
      assert.equal(observed[0].call.providerEndReason, reason);
      // Before or after the poll saw the bare `failed`, the gateway lands on the refined status.
      assert.equal(statusAfter('queued', observed), viaWebhook as CallStatus);
      assert.equal(statusAfter(final.status, observed), viaWebhook as CallStatus);
    });
  }

  it('sends the vendor-native body: phone_number, agent_id and the reference in variables, Bearer auth', async () => {
    // Klen takes no per-call webhook: a `webhook` on the input must not reach the vendor.
    const webhook = { url: `${hooks.url}/per-call`, secret: 'per-call-secret' };
    const request = input('+15550003001', {
      providerAgentId: '12',
      context: 'VIP',
      variables: { plan: 'gold' },
      webhook,
    });
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
    assert.deepEqual(
      two.map((c) => c.providerCallId),
      [second.providerCallId, first.providerCallId],
    );
    const recent = await sut.listCalls({ createdAfter: since, limit: 100 });
    assert.ok(recent.some((c) => c.providerCallId === first.providerCallId));
    const future = await sut.listCalls({ createdAfter: new Date(Date.now() + 3_600_000) });
    assert.ok(
      future.every((c) => c.startedAt === null && c.endedAt === null),
      'only still-queued calls lack a time',
    );
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
      await assert.rejects(
        promise,
        (e: unknown) => e instanceof CapabilityUnsupportedError && e.capability === capability && e.provider === 'klen',
      );
    assert.equal(transport.count, sent);
  });
});
