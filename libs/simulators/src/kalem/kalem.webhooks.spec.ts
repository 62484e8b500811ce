import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { pollUntil, WebhookReceiver } from '../testing';
import { startKalemSimulator } from './index';
import {
  assertShape,
  DOC,
  ISO_WITH_OFFSET,
  KalemApi,
  receivedFor,
  TERMINAL,
  webhookFields,
  webhookLabel,
} from './kalem.test-support';

describe('Kalem simulator: per-call webhooks (payloads, methods, custom headers)', () => {
  let sim: RunningSimulator;
  let api: KalemApi;
  let receiver: WebhookReceiver;
  const arrivals = (tag: string, count: number) =>
    pollUntil(
      () => receivedFor(receiver, tag),
      (hooks) => hooks.length >= count,
      { what: `${count} webhooks for ${tag}`, intervalMs: 10 },
    );

  before(async () => {
    receiver = await new WebhookReceiver().start();
    sim = await startKalemSimulator({ speed: 200 });
    api = new KalemApi(sim);
  });
  after(async () => {
    await sim.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await api.control('POST', 'reset');
    await api.control('POST', 'config', { rate_limits: false });
    await api.control('POST', 'scenario', { ring_ms: 1_000, talk_ms: 3_000 });
  });

  it('sends call-status on every change and post-call once, with the chosen methods and headers verbatim', async () => {
    const id = await api.dial({
      ...webhookFields(receiver, 'full'),
      metadata: { crm_ticket: 'T-1009' },
      call_status_webhook_method: 'PUT',
      call_status_webhook_headers: [{ key: 'X-Switchboard-Token', value: 's3cr3t' }],
      post_call_webhook_method: 'PATCH',
      post_call_webhook_headers: [
        { key: 'Authorization', value: 'Bearer tenant-token' },
        { key: 'X-Tenant', value: 't_1' },
      ],
    });
    const hooks = await arrivals('full', 5);
    assert.deepEqual(hooks.map(webhookLabel), ['initiated', 'ringing', 'in-progress', 'completed', 'post-call']);
    const call = (await api.get(id)).body.data;

    for (const hook of hooks.slice(0, 4)) {
      assert.equal(hook.method, 'PUT');
      assert.equal(hook.headers['x-switchboard-token'], 's3cr3t');
      assert.equal(hook.headers['content-type'], 'application/json');
      assertShape(hook.json, DOC.statusWebhook);
      assert.deepEqual(
        { ...hook.json, status: 'x', timestamp: 'x' },
        {
          call_id: id,
          status: 'x',
          to_number: call.to_number,
          from_number: call.from_number,
          timestamp: 'x',
          metadata: { crm_ticket: 'T-1009' },
        },
      );
      assert.match(hook.json.timestamp, ISO_WITH_OFFSET);
      // Kalem signs nothing: the custom headers are the only proof of origin.
      assert.ok(!Object.keys(hook.headers).some((h) => /signature/i.test(h)));
    }

    const post = hooks[4];
    assert.equal(post.method, 'PATCH');
    assert.equal(post.headers.authorization, 'Bearer tenant-token');
    assert.equal(post.headers['x-tenant'], 't_1');
    assert.equal(post.headers['x-switchboard-token'], undefined);
    assertShape(post.json, DOC.postCallWebhook);
    const { summary, transcriptions, metadata, ...callObject } = post.json;
    assert.deepEqual(callObject, call);
    assert.ok(summary.length > 0 && transcriptions.length > 0);
    assert.deepEqual(metadata, { crm_ticket: 'T-1009' });
  });

  it('defaults both webhooks to POST and sends a GET post-call without a body', async () => {
    await api.dial({ ...webhookFields(receiver, 'get'), post_call_webhook_method: 'GET' });
    const hooks = await arrivals('get', 5);
    assert.deepEqual(
      hooks.slice(0, 4).map((h) => h.method),
      ['POST', 'POST', 'POST', 'POST'],
    );
    assert.deepEqual([hooks[4].method, hooks[4].raw, hooks[4].headers['content-type']], ['GET', '', undefined]);
  });

  it('reports unanswered calls with the hyphenated status and an empty post-call transcript', async () => {
    await api.control('POST', 'scenario', { to: '+15550006001', outcome: 'no_answer' });
    const id = await api.dial({
      ...webhookFields(receiver, 'noanswer'),
      to_number: '+15550006001',
      metadata: { crm_ticket: 'T-2' },
    });
    const hooks = await arrivals('noanswer', 4);
    assert.deepEqual(hooks.map(webhookLabel), ['initiated', 'ringing', 'no-answer', 'post-call']);
    assertShape(hooks[3].json, DOC.postCallWebhook, [
      'duration_seconds',
      'duration_minutes',
      'cost',
      'realtime_cost',
      'answered_at',
      'recording_url',
      'summary',
    ]);
    assert.deepEqual(
      [hooks[3].json.status, hooks[3].json.summary, hooks[3].json.transcriptions],
      ['no_answer', null, []],
    );
    assert.equal((await api.get(id)).body.data.status, 'no_answer');
  });

  it('sends nothing for calls without webhook URLs (seeded agents have none configured)', async () => {
    const id = await api.dial();
    await api.waitFor(id, TERMINAL);
    await sim.context.webhooks.idle();
    assert.deepEqual((await api.control('GET', 'webhooks')).deliveries, []);
  });
});
