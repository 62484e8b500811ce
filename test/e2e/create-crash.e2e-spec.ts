import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedAccount } from '@switchboard/simulators';
import { startSimulators, stopSimulators } from '@switchboard/simulators';
import { pollUntil } from '@switchboard/simulators/testing';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';
import { freePort, GatewayProcess } from '../support/gateway-process';
import { client } from '../support/http';

const ADMIN_KEY = 'sk_test_crashtestadminkey0123456789ab';

/**
 * A create interrupted by SIGKILL after the vendor placed the call but before the gateway
 * heard back. The Idempotency-Key's lease runs out, and the client's retry resumes the call
 * it finds recorded on the key (settled at the vendor first) instead of dialing again; with
 * no retry at all, the reconciler settles it.
 */
describe('a create interrupted by a crash', () => {
  let vendors: SimulatedAccount[];
  let kalem: SimulatedAccount;
  const databases: TestDatabase[] = [];
  const processes: GatewayProcess[] = [];
  const configFile = join(mkdtempSync(join(tmpdir(), 'sb-crash-')), 'switchboard.json');

  const sim = async (path: string, body?: unknown) => {
    const res = await fetch(
      `${new URL(kalem.baseUrl).origin}/__sim/${path}`,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    return res.json() as Promise<any>;
  };
  const dialsTo = async (to: string) =>
    ((await sim('calls')).calls as unknown[]).filter((c) => JSON.stringify(c).includes(to)).length;

  const launch = async (db: TestDatabase, env: Record<string, string>) => {
    const proc = new GatewayProcess({
      ...db.env,
      PORT: String(await freePort()),
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHBOARD_CONFIG_FILE: configFile,
      // The declared vendor is a loopback simulator, which only an allow-list admits outside sandbox
      // mode; being on loopback it does not end sandbox mode under `auto`, so sandbox is off by hand.
      PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHBOARD_SANDBOX: 'off',
      LOG_LEVEL: 'warn',
      IDEMPOTENCY_LEASE_SECONDS: '2',
      ROUTING_ABSENT_CONFIRM_MS: '50',
      ...env,
    }).start();
    processes.push(proc);
    await proc.ready();
    return proc;
  };

  /** Starts a create that the vendor places and never answers, and kills the gateway once it dialed. */
  const crashMidCreate = async (db: TestDatabase, to: string, env: Record<string, string>) => {
    const first = await launch(db, env);
    const api = client(first.url, ADMIN_KEY);
    const connection = (await api.get('/v1/providers')).body.data[0];
    const agent = await api.post('/v1/agents', {
      name: `crash ${to}`,
      bindings: [{ connection_id: connection.id, provider_agent_id: kalem.sampleAgentId }],
    });
    assert.equal(agent.status, 201, agent.text);
    await sim('faults', { mode: 'timeout', after_create: true, delay_ms: 60_000, count: 1 });
    const body = { to, agent_id: agent.body.id };
    const inFlight = api.post('/v1/calls', body, { headers: { 'idempotency-key': `crash-${to}` } }).catch(() => null);
    await pollUntil(
      () => dialsTo(to),
      (n) => n === 1,
      { timeoutMs: 10_000, what: 'the vendor to place the call' },
    );
    first.signal('SIGKILL');
    await first.wait();
    await inFlight;
    await sim('faults', { mode: 'none' });
    return body;
  };

  before(async () => {
    vendors = await startSimulators({ vendors: ['kalem'] });
    kalem = vendors[0];
    await sim('config', { rate_limits: false });
    await sim('scenario', { ring_ms: 200, talk_ms: 1000 });
    writeFileSync(
      configFile,
      JSON.stringify({
        providers: [
          {
            provider: 'kalem',
            name: 'Kalem',
            credentials: { api_key: kalem.apiKey },
            base_url: kalem.baseUrl,
            defaults: kalem.defaults,
          },
        ],
      }),
    );
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all(databases.map((d) => d.dispose()));
    await stopSimulators(vendors);
  });

  it('the retry with the same Idempotency-Key resumes the recorded call: found at the vendor, not dialed again', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const to = '+15550301001';
    // The reconciler stays out of the way here, so the resume path is what settles the call.
    const body = await crashMidCreate(db, to, { RECONCILE_AFTER_SECONDS: '600' });

    const second = await launch(db, { RECONCILE_AFTER_SECONDS: '600' });
    const api = client(second.url, ADMIN_KEY);
    const retry = await pollUntil(
      () => api.post('/v1/calls', body, { headers: { 'idempotency-key': `crash-${to}` } }),
      (res) => res.status !== 409,
      { timeoutMs: 15_000, intervalMs: 200, what: 'the dead request’s lease to run out' },
    );
    assert.equal(retry.status, 201, retry.text);
    assert.ok(retry.body.provider_call_id, 'matched to the vendor call');
    assert.deepEqual(
      retry.body.attempts.map((a: any) => [a.outcome, a.error_code]),
      [['created', 'answer_lost']],
    );
    assert.equal(await dialsTo(to), 1, 'exactly one dial in all');
    const listed = await api.get(`/v1/calls?to=${encodeURIComponent(to)}`);
    assert.equal(listed.body.data.length, 1, 'one call row, the resumed one');
    assert.equal(listed.body.data[0].id, retry.body.id);
    const replay = await api.post('/v1/calls', body, { headers: { 'idempotency-key': `crash-${to}` } });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true', 'the key is done, not stuck in progress');
    assert.equal(await dialsTo(to), 1);
  });

  it('without any retry, the reconciler finds the interrupted create at its vendor', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const to = '+15550301002';
    await crashMidCreate(db, to, { RECONCILE_AFTER_SECONDS: '2', RECONCILE_INTERVAL_MS: '200' });
    const second = await launch(db, { RECONCILE_AFTER_SECONDS: '2', RECONCILE_INTERVAL_MS: '200' });
    const api = client(second.url, ADMIN_KEY);
    const settled = await pollUntil(
      async () => (await api.get(`/v1/calls?to=${encodeURIComponent(to)}`)).body.data,
      // A webhook echoing the call id may confirm the vendor id first; the attempt follows on the reconciler's pass.
      (calls: any[]) => calls.length === 1 && !!calls[0].provider_call_id && calls[0].attempts.length > 0,
      { timeoutMs: 20_000, intervalMs: 200, what: 'the reconciler to settle the call' },
    );
    assert.deepEqual(
      settled[0].attempts.map((a: any) => [a.outcome, a.error_code]),
      [['created', 'answer_lost']],
      'the attempt the create never got to record',
    );
    assert.equal(await dialsTo(to), 1);
  });
});
