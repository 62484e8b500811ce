import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { pollUntil } from '@switchboard/simulators/testing';
import type { Api } from '../support/calls';
import { configureSimulators, sandboxOf } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { WebhookConsumer } from '../support/webhook-consumer';
import { WebhookUrlGuard } from '../../src/delivery/webhook-url-guard.service';
import { EventLogRepository } from '../../src/events/event-log.repository';

/** Outside sandbox mode no consumer URL may reach the gateway's host or its networks, at creation or at delivery. */
describe('webhook URLs outside sandbox mode', () => {
  let gw: TestGateway;
  let api: Api;
  const consumer = new WebhookConsumer();

  before(async () => {
    await consumer.start();
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off', DELIVERY_INTERVAL_MS: '50' });
    api = client(gw.url, gw.adminKey);
  });
  after(async () => {
    await gw.close();
    await consumer.stop();
  });

  it('refuses loopback, private, link-local and IPv6 loopback URLs with 422 on url, on create and on update', async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/hook',
      `${consumer.url}/hook`,
    ]) {
      const res = await api.post('/v1/webhook-endpoints', { url });
      assert.equal(res.status, 422, `${url}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.details[0].field, 'url');
      assert.match(res.body.error.details[0].message, /refused outside sandbox mode/);
    }
    assert.deepEqual((await api.get('/v1/webhook-endpoints')).body.data, []);
    assert.equal(consumer.received.length, 0, 'nothing was sent');
  });

  it("refuses the same addresses as a call's own webhook_url, storing no call", async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://192.168.1.10/hook',
      'http://169.254.169.254/latest/meta-data/',
      `${consumer.url}/hook`,
    ]) {
      const res = await api.post('/v1/calls', {
        to: '+15550109999',
        agent_id: 'agt_01m8rrz8yfeh69fktf44wg4s6k',
        webhook_url: url,
      });
      assert.equal(res.status, 422, `${url}: ${res.text}`);
      const problem = res.body.error.details.find((d: { field: string }) => d.field === 'webhook_url');
      assert.ok(problem, res.text);
      assert.match(problem.message, /refused outside sandbox mode/);
    }
    assert.deepEqual((await api.get('/v1/calls')).body.data, []);
    assert.equal(consumer.received.length, 0, 'nothing was sent');
  });

  it('checks again at delivery: a name that resolved to a public address and now points to loopback gets nothing', async () => {
    let answer = '93.184.215.14';
    const guard = gw.gateway.app.get(WebhookUrlGuard);
    guard.useResolver(async (host) => (host === 'rebind.test' ? [{ address: answer, family: 4 }] : []));
    try {
      const port = new URL(consumer.url).port;
      const created = await api.post('/v1/webhook-endpoints', { url: `http://rebind.test:${port}/hook` });
      assert.equal(created.status, 201, created.text);
      answer = '127.0.0.1';
      const patched = await api.patch(`/v1/webhook-endpoints/${created.body.id}`, {
        url: `http://rebind.test:${port}/other`,
      });
      assert.equal(patched.status, 422, 'an update is checked as well');

      // An event through the real outbox: the append that every producer uses.
      const app = gw.gateway.app;
      await app
        .get(DataSource)
        .transaction((tx) =>
          app.get(EventLogRepository).append(tx, [{ type: 'call.updated', callId: null, data: { probe: true } }]),
        );
      const page = await pollUntil(
        async () => (await api.get(`/v1/webhook-endpoints/${created.body.id}/deliveries`)).body,
        (p) => p.data[0]?.attempt_count >= 1,
        { what: 'a recorded attempt' },
      );
      const attempt = page.data[0].attempts[0];
      assert.equal(attempt.status_code, null);
      assert.match(attempt.error, /loopback address \(127\.0\.0\.1\).*refused outside sandbox mode/);
      assert.equal(consumer.received.length, 0, 'the loopback consumer received nothing');
    } finally {
      guard.useResolver(undefined);
    }
  });
});

describe('an endpoint that keeps failing', () => {
  let gw: TestGateway;
  let api: Api;
  const consumer = new WebhookConsumer();

  before(async () => {
    await consumer.start();
    gw = await startTestGateway({
      DELIVERY_INTERVAL_MS: '50',
      DELIVERY_RETRY_SCHEDULE_SECONDS: '0,1,1,1,1,1,1,1',
      WEBHOOK_DISABLE_AFTER_SECONDS: '2',
      RATE_LIMIT_PER_KEY: '100000',
    });
    api = client(gw.url, gw.adminKey);
  });
  after(async () => {
    await gw.close();
    await consumer.stop();
  });

  it('a success ends its failing run: failing_since is set by the failure and cleared by the next success', async () => {
    let healthy = false;
    consumer.answer('/flaky', () => ({ status: healthy ? 200 : 503 }));
    const sb = await sandboxOf(api);
    const endpoint = (
      await api.post('/v1/webhook-endpoints', { url: `${consumer.url}/flaky`, event_types: ['call.created'] })
    ).body;
    assert.equal(
      (await api.post('/v1/calls', { to: '+15550149002', agent_id: sb.agentId, provider: 'hmsovereign' })).status,
      201,
    );
    const failing = await pollUntil(
      async () => (await api.get(`/v1/webhook-endpoints/${endpoint.id}`)).body,
      (e) => e.failing_since !== null,
      { what: 'the failed attempt to start a failing run' },
    );
    assert.equal(failing.enabled, true);
    healthy = true;
    const [delivery] = (
      await pollUntil(
        async () => (await api.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body,
        (p) => p.data[0]?.status === 'succeeded',
        { what: 'the retry to succeed' },
      )
    ).data;
    assert.deepEqual(delivery.attempts.map((a: { status_code: number }) => a.status_code).slice(-1), [200]);
    assert.ok(delivery.attempts.length >= 2);
    const healed = (await api.get(`/v1/webhook-endpoints/${endpoint.id}`)).body;
    assert.deepEqual([healed.enabled, healed.failing_since], [true, null]);
  });

  it('is disabled once every attempt failed for WEBHOOK_DISABLE_AFTER_SECONDS, says why, and PATCH enabled=true restores it', async () => {
    consumer.answer('/down', () => ({ status: 502 }));
    const sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
    const endpoint = (
      await api.post('/v1/webhook-endpoints', { url: `${consumer.url}/down`, event_types: ['call.created'] })
    ).body;
    assert.equal(
      (await api.post('/v1/calls', { to: '+15550149001', agent_id: sb.agentId, provider: 'hmsovereign' })).status,
      201,
    );
    const disabled = await pollUntil(
      async () => (await api.get(`/v1/webhook-endpoints/${endpoint.id}`)).body,
      (e) => e.enabled === false,
      { what: 'the endpoint to be disabled', timeoutMs: 15_000 },
    );
    assert.match(disabled.disabled_reason, /^Every delivery attempt since .*Z failed; disabled by the gateway/);
    assert.ok(disabled.failing_since);
    const [delivery] = (
      await pollUntil(
        async () => (await api.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body,
        (p) => p.data[0]?.status === 'failed',
        { what: 'its pending delivery to end' },
      )
    ).data;
    assert.equal(delivery.attempts.at(-1).error, 'the endpoint is disabled');
    const sent = consumer.on('/down').length;
    assert.ok(sent >= 3, `${sent} attempts reached the consumer`);

    const enabled = (await api.patch(`/v1/webhook-endpoints/${endpoint.id}`, { enabled: true })).body;
    assert.deepEqual([enabled.enabled, enabled.disabled_reason, enabled.failing_since], [true, null, null]);
  });
});
