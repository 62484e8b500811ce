import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { ReceivedWebhook } from '../testing';
import { pollUntil, WebhookReceiver } from '../testing';
import type { RunningSimulator } from '../common';
import { SEEDED_ASSISTANT_IDS, startHmsSovereignSimulator, verifyWebhook } from './index';
import { assertShape, DOCUMENTED, HmsTestClient, WEBHOOK_CALL_STATUSES } from './hmsovereign.test-support';

const A = SEEDED_ASSISTANT_IDS;
const { error: _error, ...BASE_MESSAGE } = DOCUMENTED.statusUpdate.message;
const REPORT_MESSAGE = {
  ...BASE_MESSAGE,
  type: 'end-of-call-report',
  duration_seconds: 0,
  summary: '',
  messages: [{ role: '', content: '' }],
  recording_url: '',
};

/** Computed here, independently of the simulator's own signing code. */
const expectedSignature = (secret: string, hook: ReceivedWebhook) =>
  `sha256=${createHmac('sha256', secret)
    .update(`${String(hook.headers['x-webhook-timestamp'])}.${hook.raw}`)
    .digest('hex')}`;

describe('HMS Sovereign simulator: webhooks', () => {
  let sim: RunningSimulator;
  let api: HmsTestClient;
  const receiver = new WebhookReceiver();
  const hooksFor = (callId: string, path?: string) =>
    receiver.received.filter((h) => h.json?.message?.call?.id === callId && (!path || h.path === path));
  const waitForHooks = (callId: string, count: number, path?: string) =>
    pollUntil(
      () => hooksFor(callId, path),
      (hooks) => hooks.length >= count,
      { what: `${count} webhooks for ${callId}` },
    );
  const types = (hooks: ReceivedWebhook[]) => hooks.map((h) => `${h.json.message.type}:${h.json.message.call.status}`);
  const setAssistantWebhook = (body: Record<string, unknown>) =>
    api.json('PATCH', `/assistants/${A.appointments}`, body);

  before(async () => {
    await receiver.start();
    sim = await startHmsSovereignSimulator({ speed: 200 });
    api = new HmsTestClient(sim);
  });
  after(async () => {
    await sim.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await api.control('reset', {});
    await api.control('scenario', { outcome: 'completed', ring_ms: 1_000, talk_ms: 4_000 });
    receiver.clear();
    receiver.respondWith = 200;
  });

  it('signs every event with X-Webhook-Signature = sha256=HMAC(secret, ts.body) when a secret is set', async () => {
    await setAssistantWebhook({ webhook_url: `${receiver.url}/hooks/assistant`, webhook_secret: 'whsec_assistant' });
    const id = await api.dial({ destination: '+31612345678', assistant_id: A.appointments });
    const hooks = await waitForHooks(id, 3);
    assert.deepEqual(types(hooks), ['status-update:in-progress', 'status-update:ended', 'end-of-call-report:ended']);
    for (const hook of hooks) {
      const { headers, json } = hook;
      assert.equal(headers['content-type'], 'application/json');
      assert.equal(headers['user-assistant'], 'HMS-Sovereign/1.0');
      assert.equal(headers['x-webhook-event'], json.message.type);
      const ts = Number(headers['x-webhook-timestamp']);
      assert.ok(Number.isInteger(ts) && Math.abs(Date.now() / 1000 - ts) < 300, 'Unix seconds, within 5 minutes');
      assert.equal(headers['x-webhook-signature'], expectedSignature('whsec_assistant', hook));
      assert.ok(verifyWebhook('whsec_assistant', String(ts), hook.raw, String(headers['x-webhook-signature'])));
      const tampered = hook.raw.replace(
        id,
        id.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      );
      assert.notEqual(tampered, hook.raw);
      assert.notEqual(expectedSignature('whsec_assistant', { ...hook, raw: tampered }), headers['x-webhook-signature']);
      assert.equal(
        verifyWebhook('whsec_assistant', String(ts), tampered, String(headers['x-webhook-signature'])),
        false,
      );
      assert.equal(
        verifyWebhook('whsec_assistant', String(ts + 1), hook.raw, String(headers['x-webhook-signature'])),
        false,
      );
      assert.ok(WEBHOOK_CALL_STATUSES.includes(json.message.call.status));
      assert.equal(json.message.call.type, 'outbound_phone_call');
      assert.deepEqual(json.message.customer, { number: '+31612345678' });
      assert.deepEqual(json.message.phone_number, { number: '+31201234567', name: 'Tandarts Jansen' });
    }
    assertShape(hooks[0].json, { message: BASE_MESSAGE });
    assertShape(hooks[2].json, { message: REPORT_MESSAGE });
    assert.equal(hooks[2].json.message.duration_seconds, 4);
  });

  it('sends no signature without a secret, and honours webhook_events', async () => {
    // The report is the last event; normal mode delivers in order, so once it is here nothing else is coming.
    await setAssistantWebhook({ webhook_url: `${receiver.url}/hooks/plain`, webhook_events: ['end-of-call-report'] });
    const id = await api.dial({ destination: '+31612345678', assistant_id: A.appointments });
    const [report] = await waitForHooks(id, 1);
    await sim.context.webhooks.idle();
    assert.deepEqual(types(hooksFor(id)), ['end-of-call-report:ended']);
    assert.equal(report.headers['x-webhook-signature'], undefined);
    assert.match(String(report.headers['x-webhook-timestamp']), /^\d+$/);
    assert.equal(report.headers['x-webhook-event'], 'end-of-call-report');
  });

  it('sends a per-call assistant_override webhook there instead of the assistant one', async () => {
    await setAssistantWebhook({ webhook_url: `${receiver.url}/hooks/assistant`, webhook_secret: 'whsec_assistant' });
    const id = await api.dial({
      destination: '+31612345678',
      assistant_id: A.appointments,
      assistant_override: {
        webhook_url: `${receiver.url}/hooks/call`,
        webhook_secret: 'per-call',
        webhook_events: ['end-of-call-report'],
      },
    });
    const [report] = await waitForHooks(id, 1, '/hooks/call');
    assert.equal(report.json.message.type, 'end-of-call-report');
    assert.equal(report.headers['x-webhook-signature'], expectedSignature('per-call', report));
    await sim.context.webhooks.idle();
    assert.deepEqual(types(hooksFor(id)), ['end-of-call-report:ended']);
  });

  it('sends tool-calls to a tool server URL, and a transient assistant its own webhooks', async () => {
    const tool = {
      type: 'function',
      function: { name: 'check_agenda' },
      server: { url: `${receiver.url}/hooks/tools`, secret: 'tool-secret' },
    };
    const id = await api.dial({
      destination: '+31612345678',
      assistant: {
        llm_config: { provider: 'openai', model: 'gpt-4o', tools: [tool] },
        webhook_url: `${receiver.url}/hooks/transient`,
      },
    });
    const [call] = await waitForHooks(id, 1, '/hooks/tools');
    assert.equal(call.headers['x-webhook-signature'], expectedSignature('tool-secret', call));
    const { message } = call.json;
    assertShape(message, {
      ...BASE_MESSAGE,
      type: 'tool-calls',
      tool_call_list: [{ id: '', type: 'function', function: { name: '', arguments: {} } }],
      assistant: {},
    });
    assert.equal(message.tool_call_list[0].function.name, 'check_agenda');
    const hooks = await waitForHooks(id, 3, '/hooks/transient');
    assert.deepEqual(types(hooks), ['status-update:in-progress', 'status-update:ended', 'end-of-call-report:ended']);
  });

  it('falls back to the account webhook, and a busy call sends only ended-with-error', async () => {
    await api.control('account', { webhook_url: `${receiver.url}/hooks/account`, webhook_secret: 'acct' });
    await api.control('scenario', { to: '+31687654321', outcome: 'busy' });
    const id = await api.dial({ destination: '+31687654321', assistant_id: A.appointments });
    const [hook] = await waitForHooks(id, 1, '/hooks/account');
    await sim.context.webhooks.idle();
    assert.equal(hooksFor(id).length, 1);
    assert.equal(hook.headers['x-webhook-signature'], expectedSignature('acct', hook));
    assertShape(hook.json, DOCUMENTED.statusUpdate);
    assert.equal(hook.json.message.call.status, 'ended-with-error');
    assert.match(hook.json.message.error, /busy/);
    assert.equal((await api.get(`/calls/${id}`)).body.status, 'failed');
  });

  it('does not retry a failed delivery by default; retries when the simulator is told to', async () => {
    await setAssistantWebhook({ webhook_url: `${receiver.url}/hooks/failing` });
    receiver.respondWith = 500;
    const deliveries = () =>
      api.control('webhooks').then((r) => r.deliveries as { event: string; attempt: number; status: number }[]);
    await api.dial({ destination: '+31612345678', assistant_id: A.appointments });
    const log = await pollUntil(deliveries, (d) => d.some((x) => x.event === 'end-of-call-report'), {
      what: 'report attempt',
    });
    assert.deepEqual(
      log.map((d) => [d.event, d.attempt, d.status]),
      [
        ['status-update', 1, 500],
        ['status-update', 1, 500],
        ['end-of-call-report', 1, 500],
      ],
    );

    await api.control('reset', {});
    await api.control('scenario', { ring_ms: 1_000, talk_ms: 4_000 });
    await setAssistantWebhook({ webhook_url: `${receiver.url}/hooks/failing`, webhook_events: ['end-of-call-report'] });
    await api.control('config', { webhook_retries: 2, webhook_retry_delay_ms: 5 });
    await api.dial({ destination: '+31612345678', assistant_id: A.appointments });
    const retried = await pollUntil(deliveries, (d) => d.length === 3, { what: 'three attempts' });
    assert.deepEqual(
      retried.map((d) => d.attempt),
      [1, 2, 3],
    );
  });

  it('late mode delivers only after GET already shows the call terminal', async () => {
    await setAssistantWebhook({ webhook_url: `${receiver.url}/hooks/late`, webhook_secret: 'late' });
    await api.control('scenario', { webhooks: 'late' });
    await api.control('config', { webhook_late_ms: 300_000 });
    const id = await api.dial({ destination: '+31612345678', assistant_id: A.appointments });
    await pollUntil(
      () => api.get(`/calls/${id}`),
      (r) => r.body.status === 'ended',
      { intervalMs: 5 },
    );
    const terminalSeenAt = Date.now();
    assert.equal(hooksFor(id).length, 0, 'nothing delivered before the call was terminal');
    const hooks = await waitForHooks(id, 3);
    assert.ok(hooks.every((h) => h.at >= terminalSeenAt));
    assert.deepEqual(types(hooks), ['status-update:in-progress', 'status-update:ended', 'end-of-call-report:ended']);
    assert.ok(hooks.every((h) => h.headers['x-webhook-signature'] === expectedSignature('late', h)));
  });
});
