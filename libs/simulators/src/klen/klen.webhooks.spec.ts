import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RunningSimulator } from '../common';
import type { ReceivedWebhook } from '../testing';
import { pollUntil, WebhookReceiver } from '../testing';
import { KLEN_CALL_EVENTS, startKlenSimulator } from './index';
import { ISO_SECONDS, shapeOf, WEBHOOK_CONTACT_EXAMPLE, webhookExampleFor } from './klen.doc-examples';
import { klenClient } from './klen.test-support';

const COMPLETED_ORDER = ['call.started', 'call.ended', 'call.transcript', 'call.summary', 'call.recording'];

/** What a receiver does: recompute the hex HMAC-SHA256 of the raw body with its secret. */
function validSignature(hook: ReceivedWebhook, secret: string): boolean {
  const given = Buffer.from(String(hook.headers['x-klen-signature'] ?? ''), 'hex');
  const expected = createHmac('sha256', secret).update(hook.raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('Klen simulator webhooks', () => {
  let sim: RunningSimulator;
  let receiver: WebhookReceiver;
  let k: ReturnType<typeof klenClient>;

  before(async () => {
    sim = await startKlenSimulator({ speed: 200 });
    receiver = await new WebhookReceiver().start();
    k = klenClient(sim);
  });
  after(async () => {
    await sim.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await k.control('/__sim/reset');
    await k.control('/__sim/scenario', { ring_ms: 1_000, talk_ms: 20_000 });
    receiver.respondWith = 200;
    receiver.clear();
  });

  /** Registers an endpoint on the receiver under `path`; returns its signing secret. */
  async function subscribe(path: string, events: readonly string[]): Promise<string> {
    const url = `${receiver.url}${path}`;
    const created = await k.api('/api/webhooks/create/', {
      method: 'POST',
      body: { name: path, url, subscribed_events: events },
    });
    assert.equal(created.status, 201);
    return created.body.secret;
  }

  const at = (path: string) => receiver.received.filter((h) => h.path === path);
  const events = (path: string) => at(path).map((h) => h.json.event_type);
  const waitFor = (path: string, count: number) =>
    pollUntil(
      () => at(path).length,
      (n) => n >= count,
      { what: `${count} webhooks at ${path}` },
    );

  it('sends every call event, signed with X-Klen-Signature, in the documented payload shape', async () => {
    const secret = await subscribe('/all', KLEN_CALL_EVENTS);
    const created = await k.createCall({ phone_number: '+15550004444', agent_id: 12, contact_id: 55 });
    await waitFor('/all', COMPLETED_ORDER.length);
    assert.deepEqual(events('/all'), COMPLETED_ORDER);

    for (const hook of at('/all')) {
      const event = hook.json.event_type;
      assert.equal(hook.method, 'POST');
      assert.match(String(hook.headers['content-type']), /^application\/json/);
      assert.match(String(hook.headers['x-klen-signature']), /^[0-9a-f]{64}$/);
      assert.ok(validSignature(hook, secret), `${event} signature`);
      assert.equal(
        validSignature({ ...hook, raw: hook.raw.replace('"outbound"', '"inbound"') }, secret),
        false,
        'tampered body',
      );
      assert.equal(validSignature(hook, 'whsec_other'), false, 'other secret');
      const example = webhookExampleFor(event, { contact: WEBHOOK_CONTACT_EXAMPLE });
      // Before the call ends (and before the summary exists) those fields are null.
      const nullable = new Set(
        event === 'call.started'
          ? ['ended_at', 'duration_seconds', 'duration', 'summary']
          : event === 'call.summary' || event === 'call.recording'
            ? []
            : ['summary'],
      );
      const expected = {
        ...example,
        call: Object.fromEntries(Object.entries(example.call).map(([key, v]) => [key, nullable.has(key) ? null : v])),
      };
      assert.deepEqual(shapeOf(hook.json), shapeOf(expected), event);
      assert.equal(hook.json.call.id, created.body.id);
      assert.equal(hook.json.call.klen_call_id, created.body.call_id);
      assert.equal(hook.json.call.agent_id, 12);
      assert.match(hook.json.timestamp, ISO_SECONDS);
    }
    const [started, ended, transcript, summary, recording] = at('/all').map((h) => h.json.call);
    assert.deepEqual([started.status, started.assistant_id], ['in-progress', 'assistant_777']);
    assert.deepEqual([ended.status, ended.duration_seconds, ended.duration], ['completed', 20, 20]);
    assert.match(transcript.transcript, /^Agent: /);
    assert.equal(typeof summary.summary, 'string');
    assert.match(recording.recording_url, /\.mp3$/);
    const detail = (await k.api(`/api/v1/calls/${created.body.call_id}`)).body;
    assert.deepEqual(
      [detail.transcript, detail.summary, detail.recording_url],
      [transcript.transcript, summary.summary, recording.recording_url],
    );
  });

  it('sends call.failed with the failure reason for no answer, busy and failure', async () => {
    const secret = await subscribe('/all', KLEN_CALL_EVENTS);
    const outcomes = [
      ['+15550003001', 'no_answer', 'no-answer'],
      ['+15550003002', 'busy', 'busy'],
      ['+15550003003', 'failed', 'failed'],
    ];
    for (const [to, outcome] of outcomes) {
      await k.control('/__sim/scenario', { to, outcome });
      await k.createCall({ phone_number: to, agent_id: 'assistant_12345' });
    }
    await waitFor('/all', outcomes.length);
    await sim.context.webhooks.idle();
    assert.equal(at('/all').length, outcomes.length, 'nothing but call.failed');
    for (const [to, , reason] of outcomes) {
      const hook = at('/all').find((h) => h.json.call.phone_number === to)!;
      assert.ok(validSignature(hook, secret));
      assert.equal(hook.json.event_type, 'call.failed');
      assert.deepEqual([hook.json.call.status, hook.json.call.failure_reason], ['failed', reason]);
      const expected = webhookExampleFor('call.failed', {
        started_at: null,
        duration_seconds: 0,
        duration: 0,
        summary: null,
      });
      assert.deepEqual(shapeOf(hook.json), shapeOf(expected));
    }
  });

  it('delivers to an endpoint only the events it subscribed to', async () => {
    const partial = await subscribe('/partial', ['call.ended', 'call.failed']);
    await subscribe('/all', KLEN_CALL_EVENTS);
    await k.control('/__sim/scenario', { to: '+15550003001', outcome: 'busy' });
    await k.createCall({ phone_number: '+15550004444', agent_id: 12 });
    await k.createCall({ phone_number: '+15550003001', agent_id: 12 });
    await waitFor('/all', COMPLETED_ORDER.length + 1);
    await sim.context.webhooks.idle();
    assert.deepEqual(events('/partial').sort(), ['call.ended', 'call.failed']);
    assert.ok(
      at('/partial').every((h) => validSignature(h, partial)),
      'signed with the endpoint’s own secret',
    );
  });

  it('duplicates and shuffles deliveries in the duplicate and shuffle webhook modes', async () => {
    await subscribe('/all', KLEN_CALL_EVENTS);
    await k.control('/__sim/scenario', { webhooks: 'duplicate' });
    await k.createCall({ phone_number: '+15550004444', agent_id: 12 });
    await waitFor('/all', COMPLETED_ORDER.length * 2);
    assert.deepEqual(
      events('/all'),
      COMPLETED_ORDER.flatMap((e) => [e, e]),
    );
    assert.equal(at('/all')[0].raw, at('/all')[1].raw, 'a duplicate is byte-identical');

    receiver.clear();
    await k.control('/__sim/scenario', { webhooks: 'shuffle' });
    await k.createCall({ phone_number: '+15550004444', agent_id: 12 });
    await waitFor('/all', COMPLETED_ORDER.length);
    assert.deepEqual([...events('/all')].sort(), [...COMPLETED_ORDER].sort());
    assert.notDeepEqual(events('/all'), COMPLETED_ORDER);
  });

  it('retries a failed delivery the way docs/vendors/klen.md assumes (3 times: 1 s, 4 s, 16 s), and as configured', async () => {
    const state = (await k.inspect('/__sim/state')) as { webhook_policy: { retries: number; retryDelaysMs: number[] } };
    assert.equal(state.webhook_policy.retries, 3);
    assert.deepEqual(state.webhook_policy.retryDelaysMs, [1000, 4000, 16000]);

    await subscribe('/all', ['call.ended']);
    receiver.respondWith = 500;
    await k.createCall({ phone_number: '+15550004444', agent_id: 12 });
    // The first retry comes one second after the failed attempt.
    await waitFor('/all', 2);
    const [first, second] = at('/all');
    assert.equal(first.raw, second.raw, 'a retry resends the same signed body');
    assert.ok(second.at - first.at >= 900, `retry after ~1 s, saw ${second.at - first.at} ms`);

    // A reset stops pending retries and restores the policy; a configured policy applies after it.
    await k.control('/__sim/reset', {});
    receiver.clear();
    await subscribe('/all', ['call.ended']);
    await k.control('/__sim/config', { webhook_retries: 2, webhook_retry_delay_ms: 10 });
    await k.createCall({ phone_number: '+15550004444', agent_id: 12 });
    await waitFor('/all', 3);
    const log = (await k.inspect('/__sim/webhooks')) as { deliveries: { attempt: number; status: number }[] };
    assert.deepEqual(
      log.deliveries.slice(-3).map((d) => [d.attempt, d.status]),
      [
        [1, 500],
        [2, 500],
        [3, 500],
      ],
    );
  });
});
