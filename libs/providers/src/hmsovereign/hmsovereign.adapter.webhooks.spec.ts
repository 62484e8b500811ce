import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type { CallStatus, InboundWebhookRequest, ProviderAdapter, WebhookObservation } from '@switchboard/core';
import { CapabilityUnsupportedError, nextStatus } from '@switchboard/core';
import { createAxiosTransport } from '../common';
import {
  HMSOVEREIGN_BASE_PATH,
  SEEDED_ASSISTANT_IDS,
  SEEDED_NUMBER_IDS,
  startHmsSovereignSimulator,
} from '@switchboard/simulators/hmsovereign';
import type { ReceivedWebhook } from '@switchboard/simulators/testing';
import { pollUntil, WebhookReceiver } from '@switchboard/simulators/testing';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { createHmsSovereignAdapter } from './hmsovereign.adapter';

/**
 * The adapter's webhook half against the simulator over loopback: createCall hands the
 * simulator a real receiver's URL and secret, and what arrives must verify and parse into
 * the call's lifecycle. (Kept apart from hmsovereign.adapter.spec.ts for length only.)
 */
const DEFAULT_FROM = '+31201234567';
const SECRET = 'whsec_sb_7f3a9c1e5b2d4f60';

let sim: RunningSimulator;
const control = axios.create({ validateStatus: () => true });
const simPost = (path: string, body: unknown) => control.post(`${sim.url}/__sim/${path}`, body);
const dialed = async (): Promise<any[]> => (await control.get(`${sim.url}/__sim/calls`)).data.calls;

/** What the gateway would build from the HTTP request: lower-cased headers, the raw bytes. */
function inbound(hook: ReceivedWebhook): InboundWebhookRequest {
  const headers = Object.fromEntries(
    Object.entries(hook.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
  );
  return { headers, rawBody: Buffer.from(hook.raw, 'utf8'), pathToken: null };
}

describe('HMS Sovereign adapter webhooks against the simulator', () => {
  const receiver = new WebhookReceiver();
  let adapter: ProviderAdapter;
  const hooksAt = (path: string) => receiver.received.filter((h) => h.path === path);

  before(async () => {
    await receiver.start();
    sim = await startHmsSovereignSimulator({ speed: 200 });
    await simPost('config', { rate_limits: false });
    adapter = createHmsSovereignAdapter({
      baseUrl: `${sim.url}${HMSOVEREIGN_BASE_PATH}`,
      credentials: { api_key: sim.apiKey },
      defaults: { from: DEFAULT_FROM, number_id: SEEDED_NUMBER_IDS.appointments },
      http: createAxiosTransport(axios.create()),
      now: () => new Date(),
    });
  });

  after(async () => {
    await sim.close();
    await receiver.stop();
  });

  const scenarios = [
    {
      outcome: 'completed',
      to: '+31610000501',
      events: ['status-update:in-progress', 'status-update:ended', 'end-of-call-report'],
    },
    { outcome: 'no_answer', to: '+31610000502', events: ['status-update:ended-with-error'] },
    { outcome: 'busy', to: '+31610000503', events: ['status-update:ended-with-error'] },
  ] as const;

  for (const { outcome, to, events } of scenarios) {
    it(`${outcome}: the call's webhooks verify, parse, and end the lifecycle in ${outcome}`, async () => {
      const path = `/webhooks/hmsovereign/${outcome}`;
      await simPost('scenario', { to, outcome, ring_ms: 1_000, talk_ms: 4_000 });
      const { call } = await adapter.createCall({
        to,
        providerAgentId: SEEDED_ASSISTANT_IDS.appointments,
        record: true,
        metadata: {},
        reference: `call_wh_${outcome}`,
        webhook: { url: `${receiver.url}${path}`, secret: SECRET },
      });
      const sent = (await dialed()).find((d) => d.call_id === call.providerCallId);
      assert.deepEqual(sent.request.assistant_override, {
        metadata: { switchboard_call_id: `call_wh_${outcome}` },
        webhook_url: `${receiver.url}${path}`,
        webhook_secret: SECRET,
        webhook_events: ['status-update', 'end-of-call-report'],
      });

      await pollUntil(
        () => hooksAt(path).length,
        (n) => n >= events.length,
        { what: `${events.length} webhooks at ${path}` },
      );
      // Every event the call will send has been started once its last one arrived; wait for them all.
      await sim.context.webhooks.idle();
      const hooks = hooksAt(path);
      const observations: WebhookObservation[] = [];
      for (const hook of hooks) {
        const request = inbound(hook);
        assert.deepEqual(adapter.verifyWebhook(request, SECRET, new Date()), { ok: true });
        assert.deepEqual(adapter.verifyWebhook(request, 'whsec_wrong', new Date()), {
          ok: false,
          reason: 'bad_signature',
        });
        const later = new Date(Date.now() + 10 * 60_000);
        assert.deepEqual(adapter.verifyWebhook(request, SECRET, later), { ok: false, reason: 'stale_timestamp' });
        const parsed = adapter.parseWebhook(request);
        assert.equal(parsed.kind, 'call', JSON.stringify(parsed));
        if (parsed.kind === 'call') observations.push(parsed.observation);
      }
      assert.deepEqual(
        observations.map((o) => o.eventType),
        events,
      );
      for (const o of observations) {
        assert.equal(o.providerCallId, call.providerCallId);
        assert.match(o.occurredAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(o.call.direction, 'outbound');
        assert.equal(o.call.to, to);
        assert.equal(o.call.from, DEFAULT_FROM);
      }

      const final = observations.reduce<CallStatus>(
        (status, o) => (o.call.status ? nextStatus(status, o.call.status) : status),
        call.status,
      );
      assert.equal(final, outcome);
      // The webhooks and the vendor's own record must agree.
      assert.equal((await adapter.getCall(call.providerCallId)).status, outcome);
      const last = observations[observations.length - 1];
      if (outcome === 'completed') {
        assert.equal(last.call.durationSeconds, 4);
        assert.ok(last.call.summary);
        assert.ok(last.call.transcript && last.call.transcript.length > 0);
        assert.match(last.call.recordingUrl ?? '', /^https:\/\//);
      } else {
        assert.equal(last.call.endReason, outcome);
        assert.match(last.call.providerEndReason ?? '', outcome === 'busy' ? /busy/i : /no answer/i);
        assert.equal(last.call.error, undefined);
      }
    });
  }

  it('without input.webhook sends no webhook fields, and registerWebhooks is per-call only', async () => {
    const to = '+31610000504';
    await simPost('scenario', { to, outcome: 'busy', ring_ms: 1_000, talk_ms: 0 });
    const { call } = await adapter.createCall({
      to,
      providerAgentId: SEEDED_ASSISTANT_IDS.appointments,
      record: true,
      metadata: {},
      reference: 'call_wh_none',
    });
    const override = (await dialed()).find((d) => d.call_id === call.providerCallId).request.assistant_override;
    assert.deepEqual(Object.keys(override), ['metadata']);
    assert.deepEqual(adapter.capabilities.webhooks, {
      authentication: 'hmac_timestamp',
      registration: 'per_call',
      secretHeaders: ['x-webhook-signature'],
    });
    await assert.rejects(
      adapter.registerWebhooks({ url: `${receiver.url}/webhooks/hmsovereign`, secret: SECRET }),
      (e: unknown) => e instanceof CapabilityUnsupportedError && e.capability === 'registerWebhooks',
    );
  });
});
