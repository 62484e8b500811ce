import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../common';
import { pollUntil, WebhookReceiver } from '../testing';
import { startKalemSimulator } from './index';
import type { ApiResponse } from './kalem.test-support';
import { BASE_CREATE, DOC, KalemApi, receivedFor, TERMINAL, webhookFields, webhookLabel } from './kalem.test-support';

type Outcome = { ok: true; response: ApiResponse; ms: number } | { ok: false; error: unknown; ms: number };

/** Runs a request and reports whether the client got any answer at all, and how long it took. */
async function attempt(run: () => Promise<ApiResponse>): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await run();
    return { ok: true, response, ms: Date.now() - started };
  } catch (error) {
    return { ok: false, error, ms: Date.now() - started };
  }
}

const status = (outcome: Outcome) => (outcome.ok ? outcome.response.status : 'no response');

describe('Kalem simulator: fault modes', () => {
  let sim: RunningSimulator;
  let api: KalemApi;
  const dialed = async () =>
    (await api.control('GET', 'calls')).calls as { call_id: string; status: string; request: { body: unknown } }[];

  before(async () => {
    sim = await startKalemSimulator({ speed: 200 });
    api = new KalemApi(sim);
  });
  after(() => sim.close());
  beforeEach(async () => {
    await api.control('POST', 'reset');
    await api.control('POST', 'config', { rate_limits: false });
    await api.control('POST', 'scenario', { ring_ms: 1_000, talk_ms: 2_000 });
  });

  it('error: every Kalem route answers the status in the {message} envelope; /__sim stays up', async () => {
    await api.control('POST', 'faults', { mode: 'error', status: 503 });
    const id = DOC.callObject.call_id;
    for (const [method, path] of [
      ['POST', '/api/v1/calls'],
      ['GET', '/api/v1/calls'],
      ['GET', `/api/v1/calls/${id}`],
      ['DELETE', `/api/v1/calls/${id}`],
    ]) {
      const response = await api.request(method, path, method === 'POST' ? BASE_CREATE : undefined);
      assert.deepEqual(
        [response.status, response.body],
        [503, { message: 'Service Unavailable' }],
        `${method} ${path}`,
      );
    }
    assert.deepEqual(await dialed(), []);
    await api.control('POST', 'faults', { mode: 'error' });
    const fallback = await api.request('GET', '/api/v1/calls');
    assert.deepEqual([fallback.status, fallback.body], [500, { message: 'Server Error' }]);
  });

  it('timeout: the client gets no answer, the socket closes after delay_ms, nothing is created', async () => {
    await api.control('POST', 'faults', { mode: 'timeout', delay_ms: 300 });
    const outcome = await attempt(() => api.create(BASE_CREATE));
    assert.equal(status(outcome), 'no response');
    assert.ok(outcome.ms >= 290, `closed after ${outcome.ms} ms`);
    assert.deepEqual(await dialed(), []);
  });

  it('reset: the connection is dropped at once, nothing is created', async () => {
    await api.control('POST', 'faults', { mode: 'reset' });
    const outcome = await attempt(() => api.create(BASE_CREATE));
    assert.equal(status(outcome), 'no response');
    assert.ok(outcome.ms < 2_000);
    assert.deepEqual(await dialed(), []);
  });

  it('rate_limit: 429 "Too Many Attempts." with Kalem headers and Retry-After', async () => {
    await api.control('POST', 'faults', { mode: 'rate_limit' });
    const response = await api.request('GET', '/api/v1/calls');
    assert.deepEqual([response.status, response.body], [429, { message: 'Too Many Attempts.' }]);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.equal(response.headers.get('x-ratelimit-limit'), '60');
    assert.equal(response.headers.get('x-ratelimit-remaining'), '0');
    assert.match(response.headers.get('x-ratelimit-reset') ?? '', /^\d{10}$/);
  });

  it('slow: the request still succeeds, delay_ms later', async () => {
    await api.control('POST', 'faults', { mode: 'slow', delay_ms: 300 });
    const outcome = await attempt(() => api.create(BASE_CREATE));
    assert.equal(status(outcome), 201);
    assert.ok(outcome.ms >= 290, `answered after ${outcome.ms} ms`);
  });

  for (const mode of ['timeout', 'reset'] as const) {
    it(`after_create + ${mode}: the call exists and runs although the client saw no answer`, async () => {
      await api.control('POST', 'faults', { mode, after_create: true, delay_ms: 200 });
      // Only the create is hit; reads still work while the fault is armed.
      assert.equal((await api.request('GET', '/api/v1/calls')).status, 200);
      const body = { ...BASE_CREATE, to_number: '+1 (555) 000-1111', metadata: { attempt: mode } };
      const outcome = await attempt(() => api.create(body));
      assert.equal(status(outcome), 'no response');
      if (mode === 'timeout') assert.ok(outcome.ms >= 190, `closed after ${outcome.ms} ms`);
      const [call] = await dialed();
      assert.deepEqual(call.request.body, body);
      // The client never learnt the id; it can still find the call and see it finish.
      const listed = await api.request('GET', '/api/v1/calls?search=5550001111');
      assert.deepEqual(
        listed.body.data.map((c: { call_id: string }) => c.call_id),
        [call.call_id],
      );
      assert.equal((await api.waitFor(call.call_id, TERMINAL)).status, 'completed');
    });
  }

  it('after_create + slow: the call is placed and running while its create is held, and answered once released', async () => {
    // delay_ms only bounds the hold; the next fault setting releases it.
    await api.control('POST', 'faults', { mode: 'slow', after_create: true, delay_ms: 60_000 });
    // Only the create is held; a read meanwhile passes.
    assert.equal((await api.request('GET', '/api/v1/calls')).status, 200);
    let answered = false;
    const pending = attempt(() => api.create({ ...BASE_CREATE, metadata: { attempt: 'slow' } })).finally(() => {
      answered = true;
    });
    const [placed] = await pollUntil(dialed, (calls) => calls.length > 0, { what: 'the call to be placed' });
    assert.equal(answered, false, 'the call exists while its create is still unanswered');
    await api.control('POST', 'faults', { mode: 'none' });
    const outcome = await pending;
    assert.equal(status(outcome), 201);
    assert.equal(outcome.ok && (outcome.response.body as { data: { call_id: string } }).data.call_id, placed.call_id);
  });

  it('count: the fault hits that many requests, then clears itself', async () => {
    await api.control('POST', 'faults', { mode: 'error', count: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.request('GET', '/api/v1/calls')).status);
    assert.deepEqual(statuses, [500, 500, 200, 200]);
    assert.equal((await api.control('GET', 'state')).faults.mode, 'none');
  });

  it('probability 0 never hits', async () => {
    await api.control('POST', 'faults', { mode: 'error', probability: 0 });
    for (let i = 0; i < 5; i++) assert.equal((await api.request('GET', '/api/v1/calls')).status, 200);
  });

  it('probability: a request is hit when the random draw falls below it', async () => {
    const draws = [0.2, 0.8, 0.49, 0.5, 0.1];
    let next = 0;
    const scripted = await startKalemSimulator({ speed: 200, random: () => draws[next++ % draws.length] });
    try {
      const client = new KalemApi(scripted);
      await client.control('POST', 'faults', { mode: 'error', probability: 0.5 });
      const statuses = [];
      for (let i = 0; i < draws.length; i++) statuses.push((await client.request('GET', '/api/v1/calls')).status);
      assert.deepEqual(statuses, [500, 200, 500, 200, 500]);
    } finally {
      await scripted.close();
    }
  });
});

describe('Kalem simulator: webhook modes and delivery policy', () => {
  let sim: RunningSimulator;
  let api: KalemApi;
  let receiver: WebhookReceiver;
  const LIFECYCLE = ['initiated', 'ringing', 'in-progress', 'completed', 'post-call'];
  const labels = (tag: string) => receivedFor(receiver, tag).map(webhookLabel);
  const arrivals = (tag: string, count: number) =>
    pollUntil(
      () => labels(tag),
      (l) => l.length >= count,
      { what: `${count} webhooks for ${tag}`, intervalMs: 10 },
    );
  const dialWith = async (webhooks: string, tag: string) => {
    await api.control('POST', 'scenario', { webhooks });
    return api.dial(webhookFields(receiver, tag));
  };

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
    receiver.respondWith = 200;
    await api.control('POST', 'reset');
    await api.control('POST', 'config', { rate_limits: false });
    await api.control('POST', 'scenario', { ring_ms: 1_000, talk_ms: 2_000 });
  });

  it('normal: each webhook once, in lifecycle order', async () => {
    await dialWith('normal', 'normal');
    assert.deepEqual(await arrivals('normal', 5), LIFECYCLE);
  });

  it('duplicate: every webhook really arrives twice', async () => {
    await dialWith('duplicate', 'dup');
    const got = await arrivals('dup', 10);
    for (const label of LIFECYCLE) assert.equal(got.filter((l) => l === label).length, 2, label);
    const bodies = receivedFor(receiver, 'dup').map((h) => h.raw);
    assert.equal(new Set(bodies).size, 5);
  });

  it('shuffle: the same webhooks arrive, out of order', async () => {
    await dialWith('shuffle', 'shuffle');
    const got = await arrivals('shuffle', 5);
    assert.deepEqual([...got].sort(), [...LIFECYCLE].sort());
    assert.notDeepEqual(got, LIFECYCLE);
  });

  it('drop: nothing is sent although the call ends', async () => {
    const id = await dialWith('drop', 'drop');
    await api.waitFor(id, TERMINAL);
    await sim.context.webhooks.idle();
    assert.deepEqual(labels('drop'), []);
    assert.deepEqual((await api.control('GET', 'webhooks')).deliveries, []);
  });

  it('late: webhooks arrive only after GET already shows the call terminal', async () => {
    const id = await dialWith('late', 'late');
    await api.waitFor(id, TERMINAL);
    const terminalSeenAt = Date.now();
    assert.deepEqual(labels('late'), []);
    assert.deepEqual([...(await arrivals('late', 5))].sort(), [...LIFECYCLE].sort());
    assert.ok(receivedFor(receiver, 'late').every((h) => h.at >= terminalSeenAt));
  });

  it('a failed delivery is not retried by default (Kalem documents no retries)', async () => {
    receiver.respondWith = 500;
    const id = await dialWith('normal', 'noretry');
    await api.waitFor(id, TERMINAL);
    await arrivals('noretry', 5);
    await sim.context.webhooks.idle();
    const log = (await api.control('GET', 'webhooks')).deliveries as { attempt: number; status: number }[];
    assert.deepEqual([log.length, new Set(log.map((d) => d.attempt)).size, log[0].status], [5, 1, 500]);
    assert.equal(labels('noretry').length, 5);
  });

  it('with webhook_retries set, a failed delivery is attempted 1 + retries times', async () => {
    await api.control('POST', 'config', { webhook_retries: 2, webhook_retry_delay_ms: 5 });
    receiver.respondWith = 500;
    await api.control('POST', 'scenario', { webhooks: 'normal' });
    await api.dial({ call_status_webhook_url: `${receiver.url}/status/retry` });
    const got = await arrivals('retry', 12);
    assert.deepEqual(got, [
      'initiated',
      'initiated',
      'initiated',
      'ringing',
      'ringing',
      'ringing',
      'in-progress',
      'in-progress',
      'in-progress',
      'completed',
      'completed',
      'completed',
    ]);
    await sim.context.webhooks.idle();
    const attempts = ((await api.control('GET', 'webhooks')).deliveries as { attempt: number }[]).map((d) => d.attempt);
    assert.deepEqual(attempts, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });
});
