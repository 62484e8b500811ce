import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type {
  AdapterContext,
  CreateCallInput,
  HttpTransport,
  InboundWebhookRequest,
  ProviderAdapter,
  ProviderCall,
} from '@switchboard/core';
import { CapabilityUnsupportedError, isTerminal, ProviderError } from '@switchboard/core';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { startKalemSimulator } from '@switchboard/simulators/kalem';
import type { ReceivedWebhook } from '@switchboard/simulators/testing';
import { pollUntil, WebhookReceiver } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { createKalemAdapter } from './kalem.adapter';
import { KALEM_REFERENCE_KEY } from './kalem.mappers';
import { KALEM_WEBHOOK_SECRET_HEADER } from './kalem.webhooks';

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('createKalemAdapter against the Kalem simulator', () => {
  let sim: RunningSimulator;
  let sut: ProviderAdapter;
  let receiver: WebhookReceiver;
  let seq = 0;

  const context = (overrides: Partial<AdapterContext> = {}): AdapterContext => ({
    baseUrl: `${sim.url}/api/v1`,
    credentials: { api_key: sim.apiKey },
    defaults: { number_id: '1', trunk_id: '1', from: '+15550002222' },
    http: createAxiosTransport(axios.create()),
    now: () => new Date(),
    ...overrides,
  });
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/__sim/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(res.status, 200, `/__sim/${path}`);
    return res.json() as Promise<any>;
  };
  // A fresh destination per test, so per-number scenarios never leak between tests.
  const nextNumber = () => `+1555010${String(++seq).padStart(4, '0')}`;
  const input = (to: string, extra: Partial<CreateCallInput> = {}): CreateCallInput => ({
    to,
    providerAgentId: '1',
    record: true,
    metadata: { crm_ticket: 'T-1009' },
    reference: `call_test_${seq}`,
    ...extra,
  });
  const untilTerminal = (id: string) =>
    pollUntil(
      () => sut.getCall(id),
      (c: ProviderCall) => isTerminal(c.status),
      { what: `call ${id} terminal`, intervalMs: 20 },
    );
  const rejectsWith = (promise: Promise<unknown>, kind: string) =>
    assert.rejects(promise, (e: unknown) => e instanceof ProviderError && e.kind === kind && e.provider === 'kalem');

  before(async () => {
    receiver = await new WebhookReceiver().start();
    sim = await startKalemSimulator({ speed: 200 });
    sut = createKalemAdapter(context());
  });
  after(async () => {
    await sim.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await control('reset', {});
    // Polling would spend the 60/min budget; the rate-limit test injects its own 429.
    await control('config', { rate_limits: false });
  });

  it('identifies itself and is immutable', () => {
    assert.equal(sut.specificationVersion, 'v1');
    assert.equal(sut.provider, 'kalem');
    assert.equal(Object.isFrozen(sut), true);
  });

  it('completed: createCall, then getCall until terminal, with duration, cost, recording and UTC times', async () => {
    const to = nextNumber();
    await control('scenario', { to, outcome: 'completed', ring_ms: 2_000, talk_ms: 30_000 });
    const created = await sut.createCall(input(to));
    assert.equal(created.call.status, 'queued');
    assert.equal(created.call.providerStatus, 'pending');
    assert.equal(created.call.to, to);
    assert.equal(created.call.from, '+15550002222');
    assert.equal(created.call.providerAgentId, '1');
    assert.deepEqual(created.warnings, []);

    const call = await untilTerminal(created.call.providerCallId);
    assert.equal(call.status, 'completed');
    assert.equal(call.providerStatus, 'completed');
    assert.equal(call.durationSeconds, 30);
    assert.equal(call.cost?.currency, 'USD');
    assert.ok((call.cost?.amount ?? 0) > 0);
    assert.equal(call.recordingUrl, `https://storage.kalem.me/recordings/${call.providerCallId}.mp3`);
    assert.equal(call.endReason, 'completed');
    assert.equal(call.providerEndReason, 'NORMAL_CLEARING');
    assert.equal(call.error, null);
    for (const t of [call.startedAt, call.answeredAt, call.endedAt]) assert.match(String(t), ISO_Z);
    // Kalem's GET has no summary or transcript (post-call webhook only).
    assert.equal(call.summary, null);
    assert.equal(call.transcript, null);
  });

  for (const [outcome, cause] of [
    ['no_answer', 'NO_ANSWER'],
    ['busy', 'USER_BUSY'],
    ['failed', 'NORMAL_TEMPORARY_FAILURE'],
  ] as const) {
    it(`${outcome}: ends without duration, cost or answer time`, async () => {
      const to = nextNumber();
      await control('scenario', { to, outcome, ring_ms: 2_000 });
      const { call: created } = await sut.createCall(input(to));
      const call = await untilTerminal(created.providerCallId);
      assert.equal(call.status, outcome);
      assert.equal(call.providerStatus, outcome);
      assert.equal(call.endReason, outcome === 'failed' ? 'provider_error' : outcome);
      assert.equal(call.providerEndReason, cause);
      assert.equal(call.durationSeconds, null);
      assert.equal(call.cost, null);
      assert.equal(call.answeredAt, null);
      assert.match(String(call.endedAt), ISO_Z);
      assert.deepEqual(
        call.error,
        outcome === 'failed' ? { code: 'provider_error', message: `Kalem reported the call failed (${cause}).` } : null,
      );
    });
  }

  it('sends the vendor-native create body (seen in /__sim/calls)', async () => {
    const to = nextNumber();
    const { call } = await sut.createCall(input(to, { record: false, reference: 'call_ref_body' }));
    const { calls } = await control('calls');
    const dialed = calls.find((c: any) => c.call_id === call.providerCallId);
    assert.equal(dialed.request.method, 'POST');
    assert.deepEqual(dialed.request.body, {
      to_number: to,
      agent_id: 1,
      number_id: 1,
      trunk_id: 1,
      record: false,
      metadata: { crm_ticket: 'T-1009', [KALEM_REFERENCE_KEY]: 'call_ref_body' },
    });
  });

  it('calls a SIP destination', async () => {
    const to = 'sip:1001@sip.kalem.me';
    await control('scenario', { to, outcome: 'completed', ring_ms: 500, talk_ms: 5_000 });
    const { call } = await sut.createCall(input(to));
    assert.equal(call.to, to);
    assert.equal((await untilTerminal(call.providerCallId)).status, 'completed');
  });

  it('warns about options Kalem ignores', async () => {
    const { warnings } = await sut.createCall(input(nextNumber(), { firstMessage: 'Hello!' }));
    assert.deepEqual(
      warnings.map((w) => w.field),
      ['first_message'],
    );
  });

  it('wrong api key -> auth', async () => {
    const wrong = createKalemAdapter(
      context({ credentials: { api_key: '1|wrongwrongwrongwrongwrongwrongwrongwrong' } }),
    );
    await rejectsWith(wrong.getCall('00000000-0000-4000-8000-000000000000'), 'auth');
    await assert.rejects(
      wrong.listCalls({}),
      (e: unknown) => e instanceof ProviderError && !e.message.includes('wrongwrong'),
    );
  });

  it('unknown call id -> not_found', async () => {
    await rejectsWith(sut.getCall('00000000-0000-4000-8000-000000000000'), 'not_found');
  });

  it('Kalem validation errors -> invalid_request with gateway field names', async () => {
    const noTrunk = createKalemAdapter(context({ defaults: { number_id: '3' } }));
    await assert.rejects(noTrunk.createCall(input(nextNumber())), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, 'invalid_request');
      assert.equal(e.status, 422);
      assert.deepEqual(e.fieldErrors.map((f) => f.field).sort(), ['defaults.number_id', 'defaults.trunk_id']);
      return true;
    });
  });

  it('injected 503 -> retryable', async () => {
    await control('faults', { mode: 'error', status: 503, count: 1 });
    await rejectsWith(sut.listCalls({}), 'retryable');
  });

  it('injected rate limit -> rate_limited with resetAt', async () => {
    await control('faults', { mode: 'rate_limit', count: 1 });
    const started = Date.now();
    await assert.rejects(sut.getCall('00000000-0000-4000-8000-000000000000'), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, 'rate_limited');
      assert.equal(e.status, 429);
      assert.ok(e.resetAt && e.resetAt.getTime() >= started);
      return true;
    });
  });

  it('timeout after the call was created -> ambiguous, and listCalls finds the call', async () => {
    const to = nextNumber();
    const shortTimeout = createKalemAdapter(context({ http: createAxiosTransport(axios.create(), 300) }));
    const sentAt = new Date();
    await control('faults', { mode: 'timeout', after_create: true, delay_ms: 1_500, count: 1 });
    await rejectsWith(shortTimeout.createCall(input(to, { reference: 'call_ambiguous_1' })), 'ambiguous');

    const recent = await sut.listCalls({ createdAfter: sentAt, limit: 20 });
    // Kalem's call object carries no metadata, so the lookup is by destination (and the
    // reference where a payload does carry metadata).
    const found = recent.filter(
      (c) => c.to === to && (c.metadata === null || c.metadata[KALEM_REFERENCE_KEY] === 'call_ambiguous_1'),
    );
    assert.equal(found.length, 1);
    const { calls } = await control('calls');
    assert.equal(calls.filter((c: any) => c.to_number === to).length, 1);
    assert.equal(calls.find((c: any) => c.to_number === to).call_id, found[0].providerCallId);
  });

  it('listCalls returns newest first, honours limit and walks pages past 100', async () => {
    for (let i = 0; i < 103; i += 1) await sut.createCall(input(nextNumber()));
    const last = await sut.createCall(input(nextNumber()));
    const two = await sut.listCalls({ limit: 2 });
    assert.equal(two.length, 2);
    assert.equal(two[0].providerCallId, last.call.providerCallId);
    const all = await sut.listCalls({ limit: 200 });
    assert.equal(all.length, 104);
    assert.equal(new Set(all.map((c) => c.providerCallId)).size, 104);
  });

  it('deleteCall removes a finished call and refuses a live one (conflict)', async () => {
    const done = nextNumber();
    await control('scenario', { to: done, outcome: 'busy', ring_ms: 500 });
    const finished = (await sut.createCall(input(done))).call;
    await untilTerminal(finished.providerCallId);
    await sut.deleteCall(finished.providerCallId);
    await rejectsWith(sut.getCall(finished.providerCallId), 'not_found');

    const live = nextNumber();
    await control('scenario', { to: live, outcome: 'completed', ring_ms: 600_000 });
    const ringing = (await sut.createCall(input(live))).call;
    await rejectsWith(sut.deleteCall(ringing.providerCallId), 'conflict');
  });

  it('unsupported capabilities throw CapabilityUnsupportedError without any HTTP call', async () => {
    let requests = 0;
    const counting: HttpTransport = {
      request: async () => {
        requests += 1;
        throw new Error('no HTTP expected');
      },
    };
    const offline = createKalemAdapter(context({ http: counting }));
    const spec = { name: 'Support' };
    const cases: [string, () => Promise<unknown>][] = [
      ['cancelCall', () => offline.cancelCall('x')],
      ['control', () => offline.controlCall('x', { action: 'say', text: 'hi' })],
      ['listAgents', () => offline.listAgents()],
      ['createAgent', () => offline.createAgent(spec)],
      ['updateAgent', () => offline.updateAgent('1', spec)],
      ['listNumbers', () => offline.listNumbers()],
      [
        'registerWebhooks',
        () => offline.registerWebhooks({ url: 'https://gw.example.com/webhooks/kalem', secret: 's' }),
      ],
    ];
    for (const [capability, call] of cases)
      await assert.rejects(
        call(),
        (e: unknown) =>
          e instanceof CapabilityUnsupportedError && e.capability === capability && e.provider === 'kalem',
      );
    assert.equal(requests, 0);
    assert.equal(offline.capabilities.cancelCall, false);
    assert.deepEqual(offline.capabilities.control, []);
    assert.deepEqual(offline.capabilities.webhooks, {
      authentication: 'shared_header',
      registration: 'per_call',
      secretHeaders: ['x-switchboard-webhook-secret'],
    });
  });

  describe('per-call webhooks, delivered by the simulator to a real receiver', () => {
    const SECRET = 'whsec_conn_kalem_7d1e0b';
    const webhook = (tag: string) => ({ url: `${receiver.url}/webhooks/kalem/${tag}`, secret: SECRET });
    const asRequest = (hook: ReceivedWebhook): InboundWebhookRequest => ({
      headers: Object.fromEntries(
        Object.entries(hook.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
      ),
      rawBody: Buffer.from(hook.raw, 'utf8'),
      pathToken: null,
    });
    const arrivals = (tag: string, count: number) =>
      pollUntil(
        () => receiver.received.filter((h) => h.path === `/webhooks/kalem/${tag}`),
        (hooks) => hooks.length >= count,
        {
          what: `${count} webhooks for ${tag}`,
          intervalMs: 10,
        },
      );

    it('createCall hands Kalem the target: both URLs, POST, the secret header', async () => {
      const { call } = await sut.createCall(input(nextNumber(), { webhook: webhook('body') }));
      const { calls } = await control('calls');
      const body = calls.find((c: any) => c.call_id === call.providerCallId).request.body;
      const headers = [{ key: KALEM_WEBHOOK_SECRET_HEADER, value: SECRET }];
      for (const kind of ['call_status', 'post_call'])
        assert.deepEqual(
          [body[`${kind}_webhook_url`], body[`${kind}_webhook_method`], body[`${kind}_webhook_headers`]],
          [webhook('body').url, 'POST', headers],
        );
    });

    const lifecycles = [
      ['completed', ['queued', 'ringing', 'in_progress', 'completed', 'completed']],
      ['no_answer', ['queued', 'ringing', 'no_answer', 'no_answer']],
      ['busy', ['queued', 'ringing', 'busy', 'busy']],
    ] as const;
    for (const [outcome, statuses] of lifecycles) {
      it(`${outcome}: every delivery verifies, parses to this call and ends ${outcome}`, async () => {
        const to = nextNumber();
        const tag = `${outcome}-${seq}`;
        await control('scenario', { to, outcome, ring_ms: 2_000, talk_ms: 30_000 });
        const { call } = await sut.createCall(input(to, { webhook: webhook(tag), reference: `call_wh_${outcome}` }));
        const hooks = await arrivals(tag, statuses.length);
        assert.equal(hooks.length, statuses.length);

        const observations = hooks.map((hook) => {
          const request = asRequest(hook);
          assert.equal(hook.method, 'POST');
          assert.deepEqual(sut.verifyWebhook(request, SECRET, new Date()), { ok: true });
          assert.deepEqual(sut.verifyWebhook(request, 'whsec_some_other_connection', new Date()), {
            ok: false,
            reason: 'bad_signature',
          });
          const parsed = sut.parseWebhook(request);
          assert.equal(parsed.kind, 'call', JSON.stringify(parsed));
          return (parsed as Extract<typeof parsed, { kind: 'call' }>).observation;
        });
        assert.deepEqual(
          observations.map((o) => o.eventType),
          [...statuses.slice(1).map(() => 'call_status'), 'post_call'],
        );
        assert.deepEqual(
          observations.map((o) => o.call.status),
          statuses,
        );
        for (const o of observations) {
          assert.equal(o.providerCallId, call.providerCallId);
          assert.equal(o.reference, `call_wh_${outcome}`);
          assert.match(String(o.occurredAt), ISO_Z);
        }
        const final = observations.at(-1)!;
        assert.equal(final.occurredAt, final.call.endedAt);
        assert.equal(final.call.endReason, outcome);
        assert.equal(
          final.call.providerEndReason,
          outcome === 'completed' ? 'NORMAL_CLEARING' : outcome === 'busy' ? 'USER_BUSY' : 'NO_ANSWER',
        );
        assert.equal(final.call.durationSeconds, outcome === 'completed' ? 30 : undefined);
        assert.equal((final.call.transcript ?? []).length > 0, outcome === 'completed');
        // The webhook agrees with what getCall reports for the same id.
        assert.equal((await sut.getCall(call.providerCallId)).status, outcome);
      });
    }
  });
});
