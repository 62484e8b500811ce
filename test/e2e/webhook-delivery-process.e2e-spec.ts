import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import { freePort, GatewayProcess } from '../support/gateway-process';
import type { Api } from '../support/calls';
import { configureSimulators, sandboxOf } from '../support/calls';
import { client } from '../support/http';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';
import type { ConsumerRequest } from '../support/webhook-consumer';
import { verifyDelivery, WebhookConsumer } from '../support/webhook-consumer';

const DELIVERY_ENV = {
  DELIVERY_INTERVAL_MS: '50',
  DELIVERY_TIMEOUT_MS: '2000',
  DELIVERY_RETRY_SCHEDULE_SECONDS: '0,1,1,1,1,1,1,1,1,1,1,1',
  RATE_LIMIT_PER_KEY: '100000',
  RECONCILE_INTERVAL_MS: '200',
  LOG_LEVEL: 'warn',
};

/** Every event id in the log, read through the API. */
async function allEventIds(api: Api): Promise<string[]> {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const page = (await api.get(`/v1/events?after=${after}&limit=200`)).body;
    ids.push(...page.data.map((e: any) => e.id));
    if (!page.has_more) return ids;
    after = page.data.at(-1).sequence;
  }
}

/** Requests the consumer accepted (2xx) and that verify with `secret`, by webhook-id. */
function accepted(requests: ConsumerRequest[], secret: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.status === undefined || r.status >= 300) continue;
    verifyDelivery(secret, r);
    const id = String(r.headers['webhook-id']);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Delivery across process crashes and instances: the gateway as its own process, on one database. */
describe('webhook delivery across processes', () => {
  const databases: TestDatabase[] = [];
  const processes: GatewayProcess[] = [];
  const consumer = new WebhookConsumer();
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all(databases.map((d) => d.dispose()));
    await consumer.stop();
  });

  const launch = async (env: Record<string, string>) => {
    const proc = new GatewayProcess({ ...DELIVERY_ENV, PORT: String(await freePort()), ...env }).start();
    processes.push(proc);
    await proc.ready();
    return proc;
  };

  it('loses nothing when the gateway is SIGKILLed with deliveries pending and in flight: after a restart every event arrives', async (t) => {
    await consumer.start();
    const db = await createTestDatabase();
    databases.push(db);
    const adminKey = 'sk_test_deliverycrashadminkey0123456';
    const env = { ...db.env, SWITCHBOARD_ADMIN_KEY: adminKey };
    // Until the crash the consumer is slow and failing: deliveries are either waiting for a retry or in flight.
    consumer.answer('/crash', () => ({ status: 503, delayMs: 300 }));
    const first = await launch(env);
    let api = client(first.url, adminKey);
    const endpoint = (await api.post('/v1/webhook-endpoints', { url: `${consumer.url}/crash` })).body;
    const sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await api.post('/v1/calls', { to: `+1555015000${i}`, agent_id: sb.agentId, provider: 'hmsovereign' })).status,
        201,
      );
    await pollUntil(
      () => consumer.on('/crash').length,
      (n) => n >= 10,
      { what: 'deliveries under way', timeoutMs: 15_000 },
    );
    const before = await allEventIds(api);
    first.signal('SIGKILL');
    await first.wait();
    const inFlightAtKill = consumer.on('/crash').filter((r) => r.status === undefined).length;

    consumer.answer('/crash', () => ({ status: 200 }));
    const second = await launch(env);
    api = client(second.url, adminKey);
    const received = await pollUntil(
      async () => ({ events: await allEventIds(api), got: accepted(consumer.on('/crash'), endpoint.secret) }),
      ({ events, got }) => events.every((id) => got.has(id)),
      { what: 'every event accepted by the consumer after the restart', timeoutMs: 30_000 },
    );
    assert.ok(
      before.every((id) => received.got.has(id)),
      'every event from before the crash arrived',
    );
    const duplicates = [...received.got.values()].reduce((sum, n) => sum + n - 1, 0);
    t.diagnostic(
      `${received.events.length} events (${before.length} before the kill), ${inFlightAtKill} requests in flight at the kill, ${duplicates} accepted more than once`,
    );
    assert.equal(await second.stop(), 0);
  });

  it('two gateway processes on one database deliver each event to each endpoint once', async (t) => {
    const db = await createTestDatabase();
    databases.push(db);
    if (db.kind !== 'postgres') {
      // The embedded engine's data dir admits one process; a second is refused by its lock file.
      t.diagnostic('embedded database: one process per data dir, no second instance to share the work with');
      return;
    }
    const adminKey = 'sk_test_deliverypairadminkey01234567';
    const shared = {
      ...db.env,
      SWITCHBOARD_ADMIN_KEY: adminKey,
      SWITCHBOARD_SECRET_KEY: 'a'.repeat(64),
      DELIVERY_CONCURRENCY: '4',
    };
    // One instance runs the simulated vendors (sandbox is per instance); the other only shares the work, allowed to reach the loopback consumer.
    const worker = await launch({
      ...shared,
      SWITCHBOARD_DATA_DIR: `${db.env.SWITCHBOARD_DATA_DIR}/b`,
      SWITCHBOARD_SANDBOX: 'off',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
    const main = await launch({
      ...shared,
      SWITCHBOARD_DATA_DIR: `${db.env.SWITCHBOARD_DATA_DIR}/a`,
      SWITCHBOARD_SANDBOX: 'on',
    });
    const api = client(main.url, adminKey);
    consumer.answer('/pair-1', () => ({ status: 200, delayMs: 20 }));
    consumer.answer('/pair-2', () => ({ status: 200, delayMs: 20 }));
    const endpoints = [
      (await api.post('/v1/webhook-endpoints', { url: `${consumer.url}/pair-1` })).body,
      (await api.post('/v1/webhook-endpoints', { url: `${consumer.url}/pair-2` })).body,
    ];
    const sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
    for (let i = 0; i < 10; i++)
      assert.equal(
        (await api.post('/v1/calls', { to: `+1555016000${i}`, agent_id: sb.agentId, provider: 'hmsovereign' })).status,
        201,
      );
    await pollUntil(
      async () => (await api.get('/v1/calls?status=completed&limit=200')).body.data.length,
      (n) => n === 10,
      { what: 'the calls to end', timeoutMs: 20_000 },
    );
    const events = await allEventIds(api);
    for (const [i, endpoint] of endpoints.entries()) {
      const got = await pollUntil(
        () => accepted(consumer.on(`/pair-${i + 1}`), endpoint.secret),
        (m) => events.every((id) => m.has(id)),
        { what: `every event at endpoint ${i + 1}`, timeoutMs: 20_000 },
      );
      const twice = [...got.entries()].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], `endpoint ${i + 1}: no event delivered twice`);
    }
    t.diagnostic(
      `${events.length} events × 2 endpoints, each delivered once; worker process ${worker.exitCode === null ? 'alive' : 'exited'}`,
    );
    assert.equal(worker.exitCode, null);
  });
});
