import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import axios from 'axios';
import type { HttpTransport, ParsedWebhook, ProviderAdapter } from '@switchboard/core';
import { CapabilityUnsupportedError } from '@switchboard/core';
import { KAICALLS_SEED } from '@switchboard/simulators/kaicalls';
import type { RunningSimulator } from '@switchboard/simulators/common';
import type { WebhookReceiver } from '@switchboard/simulators/testing';
import { pollUntil } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { createKaiCallsAdapter } from './kaicalls.adapter';
import { inbound, ISO_Z, KAI, rejection, useKaiCallsSimulator } from './kaicalls.test-support';
import { KaiCallsCapabilities } from './kaicalls.capabilities';

describe('KaiCalls adapter against the simulator', () => {
  const harness = useKaiCallsSimulator();
  const { contextFor, control, dialed, input, untilTerminal, webhookTarget } = harness;
  let sim: RunningSimulator;
  let hooks: WebhookReceiver;
  let sut: ProviderAdapter;

  // The harness starts them in its own `before`, registered (so run) ahead of this one.
  before(() => {
    ({ sim, hooks, sut } = harness);
  });

  it('identifies itself and exposes the capability table', () => {
    assert.equal(sut.specificationVersion, 'v1');
    assert.equal(sut.provider, 'kaicalls');
    assert.equal(sut.capabilities, KaiCallsCapabilities);
    assert.ok(Object.isFrozen(sut));
  });

  it('completed: creates, goes in-progress, completes with duration, cost, recording and summary', async () => {
    const to = '+15125550101';
    await control('/scenario', { to, outcome: 'completed', ring_ms: 200, talk_ms: 119_000 });
    const { call, warnings } = await sut.createCall(input(to));
    assert.deepEqual(warnings, []);
    assert.equal(call.status, 'queued');
    assert.equal(call.providerStatus, 'queued');
    assert.equal(call.to, to);
    assert.equal(call.providerAgentId, KAI);
    assert.match(call.createdAt ?? '', ISO_Z);

    const live = await pollUntil(
      () => sut.getCall(call.providerCallId),
      (c) => c.status !== 'queued',
      { intervalMs: 10, what: 'answered' },
    );
    assert.equal(live.status, 'in_progress');
    assert.equal(live.providerStatus, 'in-progress');

    const done = await untilTerminal(call.providerCallId);
    assert.equal(done.status, 'completed');
    assert.equal(done.providerStatus, 'completed');
    assert.equal(done.durationSeconds, 119);
    // Two started minutes at the simulator's 12 cents, read from the usage log.
    assert.deepEqual(done.cost, { amount: 0.24, currency: 'USD' });
    assert.match(done.recordingUrl ?? '', /^https:\/\//);
    assert.match(done.summary ?? '', /Confirm Friday delivery window/);
    assert.deepEqual(Object.keys((done.analysis?.quality_dimensions ?? {}) as object).sort(), [
      'empathy',
      'information_gathering',
      'professionalism',
      'resolution',
    ]);
    assert.equal(done.createdAt, call.createdAt);
    assert.equal(done.direction, 'outbound');
    assert.equal(done.error, null);

    const native = await dialed(call.providerCallId);
    assert.deepEqual(native.request, {
      agent_id: KAI,
      to,
      name: 'Dana',
      context: 'Confirm Friday delivery window',
      first_message: 'Hi Dana, this is Kai.',
      max_duration: 300,
    });
    assert.equal(native.status, 'completed');
    assert.equal(native.cost_cents, 24);
  });

  // Polling sees only "failed" (the detail has no reason); the webhook tells which failure.
  const outcomes = [
    ['completed', 'completed', 'call.completed'],
    ['no_answer', 'failed', 'call.failed'],
    ['busy', 'failed', 'call.failed'],
    ['failed', 'failed', 'call.failed'],
  ] as const;
  outcomes.forEach(([outcome, polled, event], i) => {
    it(`${outcome}: the webhook reaches the gateway URL, verifies only with its secret, parses to ${outcome}`, async () => {
      const to = `+1512555020${i}`;
      await control('/scenario', { to, outcome, ring_ms: 300, talk_ms: 7_000 });
      const target = webhookTarget();
      const { call } = await sut.createCall(input(to, { webhook: target }));
      assert.equal((await dialed(call.providerCallId)).request.webhook_url, target.url);

      const done = await untilTerminal(call.providerCallId);
      assert.equal(done.status, polled);
      await pollUntil(
        () => hooks.received,
        (r) => r.length > 0,
        { what: `${event} webhook` },
      );
      await sim.context.webhooks.idle();
      assert.equal(hooks.received.length, 1, 'one event per call, sent when it ends');
      const [hook] = hooks.received;
      assert.equal(hook.path, new URL(target.url).pathname);

      const request = inbound(hook);
      assert.deepEqual(sut.verifyWebhook(request, target.secret, new Date()), { ok: true });
      assert.deepEqual(sut.verifyWebhook(request, webhookTarget().secret, new Date()), {
        ok: false,
        reason: 'bad_signature',
      });
      assert.deepEqual(sut.verifyWebhook({ ...request, pathToken: null }, target.secret, new Date()), {
        ok: false,
        reason: 'missing_signature',
      });

      const parsed = sut.parseWebhook(request);
      assert.equal(parsed.kind, 'call');
      const { observation } = parsed as Extract<ParsedWebhook, { kind: 'call' }>;
      assert.equal(observation.eventType, event);
      assert.equal(observation.providerCallId, call.providerCallId);
      assert.equal(observation.call.status, outcome);
      assert.match(observation.occurredAt ?? '', ISO_Z);
      assert.equal(observation.call.endedAt, observation.occurredAt);
      if (outcome === 'completed') {
        assert.deepEqual(
          [observation.call.durationSeconds, observation.call.recordingUrl],
          [done.durationSeconds, done.recordingUrl],
        );
        assert.equal(observation.call.endReason, 'completed');
        assert.equal(observation.call.providerEndReason, undefined);
      } else {
        assert.deepEqual(
          [done.durationSeconds, done.recordingUrl, done.cost],
          [0, null, { amount: 0, currency: 'USD' }],
        );
        assert.equal(observation.call.endReason, outcome === 'failed' ? 'provider_error' : outcome);
        assert.equal(observation.call.providerEndReason, outcome);
        assert.equal(observation.call.error?.code, outcome === 'failed' ? 'provider_error' : undefined);
      }
    });
  });

  it('wrong key -> auth, without the key in the message', async () => {
    const wrong = createKaiCallsAdapter(
      contextFor({ credentials: { api_key: 'kc_live_WrongKeyWrongKeyWrongKeyWrongKey0123456789' } }),
    );
    const error = await rejection(wrong.listAgents());
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.message.includes('WrongKey'), false);
  });

  it('injected 503 -> retryable', async () => {
    await control('/faults', { mode: 'error', status: 503, count: 1 });
    const error = await rejection(sut.listAgents());
    assert.equal(error.kind, 'retryable');
    assert.equal(error.status, 503);
    assert.ok(error.isRetryable);
  });

  it('injected rate limit -> rate_limited with resetAt from Retry-After', async () => {
    await control('/faults', { mode: 'rate_limit', count: 1 });
    const sent = Date.now();
    const error = await rejection(sut.getCall('anything'));
    assert.equal(error.kind, 'rate_limited');
    assert.equal(error.vendorCode, 'rate_limited');
    const wait = (error.resetAt?.getTime() ?? 0) - sent;
    assert.ok(wait >= 900 && wait <= 2_000, `resetAt ${wait} ms away`);
  });

  it('timeout after the call was placed -> ambiguous, and listCalls finds the call', async () => {
    const to = '+15125550301';
    await control('/scenario', { to, outcome: 'completed', ring_ms: 200, talk_ms: 5_000 });
    await control('/faults', { after_create: true, mode: 'timeout', delay_ms: 1_500, count: 1 });
    const impatient = createKaiCallsAdapter(contextFor({ http: createAxiosTransport(axios.create(), 300) }));
    const createdAfter = new Date(Date.now() - 1_000);
    const target = webhookTarget();

    const error = await rejection(impatient.createCall(input(to, { webhook: target })));
    assert.equal(error.kind, 'ambiguous');
    assert.equal(error.code, 'provider_timeout');

    // List rows carry neither the number nor the reference: match agent + time window.
    const candidates = (await sut.listCalls({ createdAfter, limit: 20 })).filter((c) => c.providerAgentId === KAI);
    assert.equal(candidates.length, 1);
    assert.match(candidates[0].createdAt ?? '', ISO_Z);
    assert.equal((await dialed(candidates[0].providerCallId)).to, to);
    // Once the call ends, its webhook comes to the connection's URL naming the listed call.
    const [hook] = await pollUntil(
      () => hooks.received,
      (r) => r.length > 0,
      { what: 'webhook' },
    );
    assert.deepEqual(impatient.verifyWebhook(inbound(hook), target.secret, new Date()), { ok: true });
    const parsed = impatient.parseWebhook(inbound(hook));
    assert.equal(parsed.kind === 'call' && parsed.observation.providerCallId, candidates[0].providerCallId);
  });

  it('listCalls returns the newest first, down to createdAfter and up to limit', async () => {
    const createdAfter = new Date(Date.now() - 1_000);
    const ids: string[] = [];
    for (const to of ['+15125550401', '+15125550402', '+15125550403'])
      ids.push((await sut.createCall(input(to))).call.providerCallId);
    assert.deepEqual(
      (await sut.listCalls({ createdAfter })).map((c) => c.providerCallId),
      [...ids].reverse(),
    );
    assert.deepEqual(
      (await sut.listCalls({ limit: 2 })).map((c) => c.providerCallId),
      [ids[2], ids[1]],
    );
    assert.deepEqual(await sut.listCalls({ createdAfter: new Date(Date.now() + 60_000) }), []);
  });

  it('unknown call -> not_found; Do-Not-Call number and bad numbers -> invalid_request on to', async () => {
    assert.equal((await rejection(sut.getCall('no-such-call'))).kind, 'not_found');
    const dnc = await rejection(sut.createCall(input(KAICALLS_SEED.dncNumber)));
    assert.equal(dnc.kind, 'invalid_request');
    assert.equal(dnc.vendorCode, 'number_on_dnc');
    assert.deepEqual(
      dnc.fieldErrors.map((f) => f.field),
      ['to'],
    );
    const bad = await rejection(sut.createCall(input('+1')));
    assert.equal(bad.kind, 'invalid_request');
    assert.deepEqual(bad.fieldErrors, [{ field: 'to', message: 'to must be an E.164 phone number' }]);
  });

  it('lists agents and numbers', async () => {
    const agents = await sut.listAgents();
    assert.deepEqual(agents.map((a) => a.name).sort(), ['Kai', 'Kai Support']);
    assert.equal(agents.find((a) => a.name === 'Kai')?.providerAgentId, KAI);
    assert.equal(agents[0].details.business_id, KAICALLS_SEED.businessId);
    const numbers = await sut.listNumbers();
    const main = numbers.find((n) => n.number === KAICALLS_SEED.numbers.main.phoneNumber);
    assert.equal(main?.providerNumberId, KAICALLS_SEED.numbers.main.id);
    assert.equal(main?.providerAgentId, KAI);
    assert.equal(numbers.length, 2);
  });

  it('creates an agent (business from /balance) and updates it', async () => {
    const created = await sut.createAgent({
      name: 'Dispatch',
      systemPrompt: 'You confirm delivery windows.',
      firstMessage: 'Hi, this is dispatch.',
      voice: '11labs/burt',
      model: 'openai/gpt-4.1',
      metadata: { team: 'ops' },
    });
    assert.ok(created.providerAgentId);
    assert.equal(created.name, 'Dispatch');
    assert.equal(created.details.business_id, KAICALLS_SEED.businessId);
    assert.ok(created.details.vapi_assistant_id);

    const updated = await sut.updateAgent(created.providerAgentId, { name: 'Dispatch v2', voice: '11labs/jessica' });
    assert.equal(updated.providerAgentId, created.providerAgentId);
    assert.equal(updated.name, 'Dispatch v2');

    const response = await fetch(`${sim.url}/api/v1/agents?id=${created.providerAgentId}`, {
      headers: { Authorization: `Bearer ${sim.apiKey}` },
    });
    const stored = (await response.json()) as any;
    assert.deepEqual(stored.voice, { provider: '11labs', voiceId: 'jessica' });
    assert.equal(stored.model.model, 'gpt-4.1');
    assert.equal((await sut.listAgents()).length, 3);
  });

  it('refuses an agent spec KaiCalls cannot take before any request', async () => {
    const error = await rejection(sut.createAgent({ name: 'No prompt', voice: 'burt' }));
    assert.equal(error.kind, 'invalid_request');
    assert.deepEqual(
      error.fieldErrors.map((f) => f.field),
      ['voice', 'system_prompt'],
    );
  });

  it('cancel, delete, control, sip: destinations and webhook registration are unsupported, without any HTTP call', async () => {
    let requests = 0;
    const inner = createAxiosTransport(axios.create());
    const counting: HttpTransport = { request: (r) => (requests++, inner.request(r)) };
    const adapter = createKaiCallsAdapter(contextFor({ http: counting }));
    const checks: [Promise<unknown>, string][] = [
      [adapter.cancelCall('c1'), 'cancelCall'],
      [adapter.deleteCall('c1'), 'deleteCall'],
      [adapter.controlCall('c1', { action: 'say', text: 'hello' }), 'control'],
      [adapter.createCall(input('sip:dana@example.com')), 'sipDestinations'],
      [adapter.registerWebhooks(webhookTarget()), 'registerWebhooks'],
    ];
    for (const [promise, capability] of checks) {
      await assert.rejects(
        promise,
        (e: unknown) => e instanceof CapabilityUnsupportedError && e.capability === capability,
      );
    }
    assert.equal(requests, 0);
  });
});
