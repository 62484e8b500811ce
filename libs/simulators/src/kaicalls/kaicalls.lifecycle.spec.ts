import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningSimulator } from '../common';
import { pollUntil, WebhookReceiver } from '../testing';
import { KAICALLS_SEED, startKaiCallsSimulator } from './index';
import { assertShape, control, DOC, FAILURES, ISO, kc } from './kaicalls.test-support';

const { agents } = KAICALLS_SEED;

describe('KaiCalls simulator lifecycle and per-call webhooks', () => {
  let sim: RunningSimulator;
  let receiver: WebhookReceiver;

  before(async () => {
    sim = await startKaiCallsSimulator({ speed: 200 });
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await sim.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await control(sim, '/reset', {});
    await control(sim, '/scenario', { outcome: 'completed', ring_ms: 400, talk_ms: 3_000 });
    receiver.clear();
  });

  const dial = async (to: string, extra: Record<string, unknown> = {}) => {
    const res = await kc(sim, 'POST', '/calls', {
      body: { agent_id: agents.kai.id, to, webhook_url: `${receiver.url}/hooks/kc/tok`, ...extra },
    });
    assert.equal(res.status, 201);
    return res.json.id as string;
  };
  const detail = (id: string) => kc(sim, 'GET', `/calls?id=${id}`).then((r) => r.json);
  const hooksFor = (id: string) => receiver.received.filter((h) => h.json?.call_id === id);

  it('goes queued → in-progress → completed and posts call.completed to the per-call webhook_url', async () => {
    await control(sim, '/scenario', { to: '+15125550111', ring_ms: 20_000, talk_ms: 120_000 });
    const id = await dial('+15125550111', { name: 'Dana', context: 'Confirm Friday delivery window' });
    // Ringing has no status of its own at KaiCalls: the call stays queued until answered.
    const ringing = await pollUntil(
      () => control(sim, '/calls').then((r) => r.calls[0]),
      (c) => c.ringing_at !== null,
      { what: 'ringing' },
    );
    assert.equal(ringing.status, 'queued');
    const seen = new Set<string>(['queued']);
    await pollUntil(
      () => detail(id).then((d) => seen.add(d.status) && d),
      (d) => d.status === 'completed',
      { what: 'completed', intervalMs: 10 },
    );
    assert.deepEqual([...seen], ['queued', 'in-progress', 'completed']);

    const [hook] = await pollUntil(
      () => hooksFor(id),
      (h) => h.length === 1,
      { what: 'call.completed' },
    );
    assert.deepEqual(
      [hook.method, hook.path, hook.headers['content-type']],
      ['POST', '/hooks/kc/tok', 'application/json'],
    );
    assertShape(hook.json, DOC.completed);
    assert.deepEqual([hook.json.event, hook.json.status, hook.json.duration], ['call.completed', 'completed', 120]);
    assert.match(hook.json.timestamp, ISO);
    assert.match(hook.json.summary, /Dana.*Friday/);
    assert.equal(hook.headers['x-kaicalls-signature'], undefined, 'per-call webhooks are unsigned');
    const d = await detail(id);
    assert.deepEqual([d.duration, d.recording_url, d.summary], [120, hook.json.recording_url, hook.json.summary]);
  });

  for (const outcome of FAILURES) {
    it(`${outcome}: status failed, call.failed with error "${outcome}"`, async () => {
      await control(sim, '/scenario', { outcome });
      const id = await dial('+15125550100');
      const [hook] = await pollUntil(
        () => hooksFor(id),
        (h) => h.length === 1,
        { what: `call.failed ${outcome}` },
      );
      assertShape(hook.json, DOC.failed);
      assert.deepEqual([hook.json.event, hook.json.status, hook.json.error], ['call.failed', 'failed', outcome]);
      const d = await detail(id);
      assert.deepEqual(
        [d.status, d.duration, d.summary, d.recording_url, d.quality_dimensions],
        ['failed', 0, null, null, null],
      );
      assert.ok(!('error' in d), 'the documented detail has no error field');
      const dialed = (await control(sim, '/calls')).calls[0];
      assert.deepEqual([dialed.status, dialed.error], ['failed', outcome]);
    });
  }

  it('caps the conversation at max_duration', async () => {
    const id = await dial('+15125550100', { max_duration: 2 });
    const [hook] = await pollUntil(
      () => hooksFor(id),
      (h) => h.length === 1,
      { what: 'capped call' },
    );
    assert.equal(hook.json.duration, 2);
  });

  it('sends nothing without a webhook_url and no subscription', async () => {
    const res = await kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } });
    await pollUntil(
      () => detail(res.json.id),
      (d) => d.status === 'completed',
      { what: 'completed' },
    );
    await sim.context.webhooks.idle();
    assert.deepEqual([receiver.received.length, (await control(sim, '/webhooks')).deliveries.length], [0, 0]);
  });

  it('webhook modes: duplicate sends the event twice, drop sends nothing', async () => {
    await control(sim, '/scenario', { to: '+15125550121', webhooks: 'duplicate' });
    await control(sim, '/scenario', { to: '+15125550122', webhooks: 'drop' });
    const dup = await dial('+15125550121');
    const dropped = await dial('+15125550122');
    const twice = await pollUntil(
      () => hooksFor(dup),
      (h) => h.length === 2,
      { what: 'duplicate deliveries' },
    );
    assert.equal(twice[0].raw, twice[1].raw, 'identical bodies: receivers must dedupe');
    await pollUntil(
      () => detail(dropped),
      (d) => d.status === 'completed',
      { what: 'dropped call completed' },
    );
    await sim.context.webhooks.idle();
    assert.equal(hooksFor(dropped).length, 0);
    assert.equal(hooksFor(dup).length, 2);
  });

  it('does not retry a failed delivery by default (undocumented), but can be told to', async () => {
    receiver.respondWith = 500;
    try {
      const once = await dial('+15125550100');
      await pollUntil(
        () => detail(once),
        (d) => d.status === 'completed',
        { what: 'completed' },
      );
      await sim.context.webhooks.idle();
      assert.equal(hooksFor(once).length, 1);

      await control(sim, '/config', { webhook_retries: 2, webhook_retry_delay_ms: 5 });
      const retried = await dial('+15125550100');
      await pollUntil(
        () => hooksFor(retried),
        (h) => h.length === 3,
        { what: 'three attempts' },
      );
      const log = (await control(sim, '/webhooks')).deliveries.filter((d: any) => d.event === 'call.completed');
      assert.deepEqual(
        log.slice(-3).map((d: any) => [d.attempt, d.status]),
        [
          [1, 500],
          [2, 500],
          [3, 500],
        ],
      );
    } finally {
      receiver.respondWith = 200;
    }
  });

  it('pages with after=<created_at>: unique timestamps even for calls created together', async () => {
    await control(sim, '/scenario', { ring_ms: 600_000 });
    const created = await Promise.all(
      Array.from({ length: 5 }, () =>
        kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } }),
      ),
    );
    assert.equal(new Set(created.map((r) => r.json.created_at)).size, 5);
    const pages: any[] = [];
    let cursor = '';
    for (;;) {
      const page = (await kc(sim, 'GET', `/calls?limit=2${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`)).json;
      pages.push(page);
      if (!page.has_more) break;
      cursor = page.calls[page.calls.length - 1].created_at;
    }
    assert.deepEqual(
      pages.map((p) => [p.calls.length, p.has_more]),
      [
        [2, true],
        [2, true],
        [1, false],
      ],
    );
    const ids = pages.flatMap((p) => p.calls.map((c: any) => c.id));
    assert.deepEqual([...ids].sort(), created.map((r) => r.json.id).sort());
    const times = pages.flatMap((p) => p.calls.map((c: any) => Date.parse(c.created_at)));
    assert.ok(
      times.every((t, i) => i === 0 || t < times[i - 1]),
      'strictly newest first',
    );
    assert.equal(
      (await kc(sim, 'GET', '/calls?limit=500')).json.calls.length,
      5,
      'limit above 100 is clamped, not refused',
    );
  });
});
