import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, waitForTerminal } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { verifyDelivery, WebhookConsumer } from '../support/webhook-consumer';
import { newSigningSecret } from '../../src/delivery/signature-headers';

/** Outbound webhooks end to end: the gateway delivers every event to a consumer on loopback, signed per Standard Webhooks. */
describe('webhook delivery', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  const consumer = new WebhookConsumer();
  let n = 0;

  before(async () => {
    await consumer.start();
    gw = await startTestGateway({
      DELIVERY_INTERVAL_MS: '50',
      RATE_LIMIT_PER_KEY: '100000',
      DELIVERY_RETRY_SCHEDULE_SECONDS: '0,1,1',
      // No final vendor read: once a call ends, its events are all there.
      RECONCILE_FINAL_READ_SECONDS: '3600',
    });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
  });
  after(async () => {
    await gw.close();
    await consumer.stop();
  });

  const createEndpoint = async (path: string, body: Record<string, unknown> = {}) => {
    const res = await api.post('/v1/webhook-endpoints', { url: consumer.url + path, ...body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const placeCall = async (extra: Record<string, unknown> = {}) => {
    const res = await api.post('/v1/calls', {
      to: `+1555014${String(1000 + n++).slice(-4)}`,
      agent_id: sb.agentId,
      provider: 'hmsovereign',
      ...extra,
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const eventsOf = async (callId: string) => (await api.get(`/v1/calls/${callId}/events`)).body.data as any[];
  const deliveriesOf = async (endpointId: string, query = '') => {
    const res = await api.get(`/v1/webhook-endpoints/${endpointId}/deliveries${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  it('delivers every event of a call, signed so the standardwebhooks package verifies it, body = GET /v1/events/:id; a wrong secret fails', async () => {
    const endpoint = await createEndpoint('/all', { event_types: ['call.*'], description: 'everything' });
    assert.match(endpoint.id, /^whe_/);
    assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const shown = await api.get(`/v1/webhook-endpoints/${endpoint.id}`);
    assert.equal(shown.body.secret, undefined, 'the secret is shown only at creation');
    assert.ok(!shown.text.includes(endpoint.secret.slice(6)));

    const call = await placeCall();
    await waitForTerminal(api, call.id);
    const events = await eventsOf(call.id);
    assert.ok(events.length >= 4, `${events.length} events`);
    const received = await pollUntil(
      () => consumer.on('/all').filter((r) => JSON.parse(r.raw).call_id === call.id),
      (got) => new Set(got.map((r) => r.headers['webhook-id'])).size >= events.length,
      { what: 'every event of the call at the consumer', timeoutMs: 15_000 },
    );
    const byId = new Map(received.map((r) => [r.headers['webhook-id'], r]));
    for (const event of events) {
      const request = byId.get(event.id);
      assert.ok(request, `${event.type} delivered`);
      assert.deepEqual(verifyDelivery(endpoint.secret, request), (await api.get(`/v1/events/${event.id}`)).body);
      assert.equal(JSON.parse(request.raw).sequence, event.sequence);
      assert.throws(() => verifyDelivery(newSigningSecret(), request), /signature/i, 'another secret does not verify');
      assert.throws(
        () => verifyDelivery(endpoint.secret, { ...request, raw: request.raw.replace('"call.', '"calL.') }),
        'a tampered body does not verify',
      );
    }
    assert.deepEqual(new Set(events.map((e) => e.type)).has('call.completed'), true);

    const deliveries = await pollUntil(
      () => deliveriesOf(endpoint.id, '?limit=200&status=succeeded'),
      (page) => page.data.filter((d: any) => events.some((e) => e.id === d.event_id)).length === events.length,
      { what: 'deliveries recorded as succeeded' },
    );
    const one = deliveries.data[0];
    assert.match(one.id, /^dlv_/);
    assert.equal(one.endpoint_id, endpoint.id);
    assert.equal(one.next_attempt_at, null);
    assert.equal(one.attempt_count, 1);
    assert.equal(one.attempts[0].status_code, 200);
    assert.equal(one.attempts[0].response_snippet, 'ok');
    assert.ok(one.attempts[0].latency_ms >= 0);
    const firstPage = await deliveriesOf(endpoint.id, '?limit=2');
    assert.equal(firstPage.has_more, true);
    const secondPage = await deliveriesOf(endpoint.id, `?limit=2&cursor=${firstPage.next_cursor}`);
    assert.ok(
      secondPage.data.every((d: any) => !firstPage.data.some((f: any) => f.id === d.id) && d.id < firstPage.data[1].id),
      'the cursor moves on',
    );
  });

  it("sends a call's events to its own webhook_url, signed with the gateway-wide default secret", async () => {
    const secret = (await api.get('/v1/webhook-endpoints/default-secret')).body.secret;
    assert.match(secret, /^whsec_/);
    assert.equal((await api.get('/v1/webhook-endpoints/default-secret')).body.secret, secret, 'stable');
    const call = await placeCall({ webhook_url: `${consumer.url}/per-call` });
    await waitForTerminal(api, call.id);
    const events = await eventsOf(call.id);
    const received = await pollUntil(
      () => consumer.on('/per-call'),
      (got) => got.length >= events.length,
      { what: "the call's events at its webhook_url" },
    );
    assert.deepEqual(
      received.map((r) => verifyDelivery(secret, r).call_id),
      events.map(() => call.id),
    );
    assert.deepEqual(new Set(received.map((r) => r.headers['webhook-id'])), new Set(events.map((e) => e.id)));
  });

  it('retries a consumer that answers 503 (Retry-After: 2) then 500, and records the third, successful attempt', async () => {
    consumer.answer('/flaky', (nth) =>
      nth === 0
        ? { status: 503, headers: { 'retry-after': '2' }, body: 'busy' }
        : nth === 1
          ? { status: 500, body: 'x'.repeat(600) }
          : { status: 200 },
    );
    const endpoint = await createEndpoint('/flaky', { event_types: ['call.created'] });
    const call = await placeCall();
    const [delivery] = (
      await pollUntil(
        () => deliveriesOf(endpoint.id),
        (page) => page.data.length === 1 && page.data[0].status === 'succeeded',
        { what: 'the delivery to succeed', timeoutMs: 15_000 },
      )
    ).data;
    const requests = consumer.on('/flaky');
    assert.equal(requests.length, 3);
    assert.ok(requests.every((r) => verifyDelivery(endpoint.secret, r).call_id === call.id));
    assert.ok(requests[1].at - requests[0].at >= 1900, `Retry-After honoured (${requests[1].at - requests[0].at} ms)`);
    assert.deepEqual(
      delivery.attempts.map((a: any) => a.status_code),
      [503, 500, 200],
    );
    assert.equal(delivery.attempts[0].response_snippet, 'busy');
    assert.equal(delivery.attempts[1].response_snippet.length, 500);
    assert.match(delivery.attempts[1].error, /500/);
    assert.equal(delivery.attempt_count, 3);
    assert.equal(delivery.event_type, 'call.created');
    assert.equal(typeof delivery.event_sequence, 'number');
  });

  it('ends a delivery failed after the last scheduled attempt; redelivery sends it again', async () => {
    consumer.answer('/down', () => ({ status: 500 }));
    const endpoint = await createEndpoint('/down', { event_types: ['call.created'] });
    const call = await placeCall();
    const failed = await pollUntil(
      () => deliveriesOf(endpoint.id),
      (page) => page.data[0]?.status === 'failed',
      { what: 'the delivery to fail', timeoutMs: 15_000 },
    );
    assert.equal(failed.data[0].attempt_count, 3);
    assert.equal(failed.data[0].next_attempt_at, null);
    assert.ok(failed.data[0].completed_at);
    assert.equal(consumer.on('/down').length, 3);

    consumer.answer('/down', () => ({ status: 204 }));
    const event = failed.data[0].event_id;
    const redelivered = await api.post(`/v1/events/${event}/redeliver`, { endpoint_id: endpoint.id });
    assert.equal(redelivered.status, 202, redelivered.text);
    assert.equal(redelivered.body.data.length, 1);
    assert.equal(redelivered.body.data[0].status, 'pending');
    await pollUntil(
      () => deliveriesOf(endpoint.id),
      (page) => page.data.some((d: any) => d.id === redelivered.body.data[0].id && d.status === 'succeeded'),
      { what: 'the redelivery to succeed' },
    );
    const last = consumer.on('/down').at(-1)!;
    assert.equal(last.headers['webhook-id'], event, 'same webhook-id, so the consumer can dedupe');
    assert.equal(verifyDelivery(endpoint.secret, last).call_id, call.id);
    assert.equal((await api.post('/v1/events/evt_01jz0000000000000000000000/redeliver', {})).status, 404);
  });

  it('signs with both secrets during a rotation: the old and the new one each verify', async () => {
    const endpoint = await createEndpoint('/rotating', { event_types: ['call.created'] });
    const rotated = await api.post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.secret, endpoint.secret);
    assert.ok(Date.parse(rotated.body.previous_secret_expires_at) > Date.now() + 23.9 * 3600_000);
    await placeCall();
    const [request] = await pollUntil(
      () => consumer.on('/rotating'),
      (got) => got.length === 1,
      { what: 'a delivery after rotation' },
    );
    assert.equal(String(request.headers['webhook-signature']).split(' ').length, 2);
    verifyDelivery(rotated.body.secret, request);
    verifyDelivery(endpoint.secret, request);
    assert.throws(() => verifyDelivery(newSigningSecret(), request));
  });

  it('replays the events of an endpoint since a sequence, and delivers nothing while disabled', async () => {
    const endpoint = await createEndpoint('/replay', { event_types: ['call.created'], enabled: false });
    const before = (await api.get('/v1/events?type=call.created&limit=200')).body.data.at(-1).sequence;
    await placeCall();
    await placeCall();
    const created = (await api.get(`/v1/events?type=call.created&after=${before}`)).body.data;
    assert.equal(created.length, 2);
    assert.equal(
      (await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { after_sequence: before })).status,
      409,
    );
    const enabled = await api.patch(`/v1/webhook-endpoints/${endpoint.id}`, { enabled: true });
    assert.equal(enabled.body.enabled, true);
    const replay = await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { after_sequence: before });
    assert.equal(replay.status, 202, replay.text);
    assert.equal(replay.body.deliveries_created, 2);
    const got = await pollUntil(
      () => consumer.on('/replay'),
      (r) => r.length === 2,
      { what: 'the replayed events' },
    );
    assert.deepEqual(
      new Set(got.map((r) => verifyDelivery(endpoint.secret, r).id)),
      new Set(created.map((e: any) => e.id)),
    );
  });

  it('manages endpoints: validation, list with a cursor, update, delete, scopes', async () => {
    const bad = await api.post('/v1/webhook-endpoints', {
      url: 'ftp://example.com/x',
      event_types: ['call.nope', 'call.*', 'sms.*'],
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.error.details.map((d: any) => d.field).sort(), [
      'event_types[0]',
      'event_types[2]',
      'url',
    ]);
    const a = await createEndpoint('/m1');
    const b = await createEndpoint('/m2');
    const page = (await api.get('/v1/webhook-endpoints?limit=1')).body;
    assert.equal(page.data[0].id, b.id);
    assert.equal(page.has_more, true);
    const next = (await api.get(`/v1/webhook-endpoints?limit=1&cursor=${page.next_cursor}`)).body;
    assert.equal(next.data[0].id, a.id);
    assert.ok(!JSON.stringify(page).includes('whsec_'));
    const patched = await api.patch(`/v1/webhook-endpoints/${a.id}`, {
      event_types: ['call.completed'],
      description: 'done only',
    });
    assert.deepEqual(
      [patched.status, patched.body.event_types, patched.body.description],
      [200, ['call.completed'], 'done only'],
    );
    assert.equal((await api.delete(`/v1/webhook-endpoints/${a.id}`)).status, 204);
    assert.equal((await api.get(`/v1/webhook-endpoints/${a.id}`)).status, 404);
    assert.equal((await api.get('/v1/webhook-endpoints/call_01jz0000000000000000000000')).status, 404);
    const reader = await api.post('/v1/keys', { name: 'reader', scopes: ['events:read'] });
    assert.equal((await client(gw.url, reader.body.key).get('/v1/webhook-endpoints')).status, 403);
    assert.equal((await client(gw.url, reader.body.key).get('/v1/webhook-endpoints/default-secret')).status, 403);
  });
});
