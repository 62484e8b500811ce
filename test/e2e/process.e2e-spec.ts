import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';
import { freePort, GatewayProcess, startSlowRequest } from '../support/gateway-process';
import { client } from '../support/http';
import { pollUntil } from '@switchboard/simulators/testing';
import { HMSOVEREIGN_DEFAULT_API_KEY } from '@switchboard/simulators/hmsovereign';
import { KAICALLS_DEFAULT_API_KEY } from '@switchboard/simulators/kaicalls';
import { KALEM_DEFAULT_API_KEY } from '@switchboard/simulators/kalem';
import { KLEN_DEFAULT_API_KEY } from '@switchboard/simulators/klen';

/** The keys the sandbox connections hold: never in a log line. */
const VENDOR_KEYS = [
  HMSOVEREIGN_DEFAULT_API_KEY,
  KAICALLS_DEFAULT_API_KEY,
  KALEM_DEFAULT_API_KEY,
  KLEN_DEFAULT_API_KEY,
];

/** The gateway as a user runs it: its own process, console output, signals. */
describe('gateway process', () => {
  const databases: TestDatabase[] = [];
  const processes: GatewayProcess[] = [];
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all(databases.map((d) => d.dispose()));
  });

  const launch = async (db: TestDatabase, env: Record<string, string> = {}) => {
    const proc = new GatewayProcess({ ...db.env, PORT: String(await freePort()), ...env }).start();
    processes.push(proc);
    await proc.ready();
    return proc;
  };

  it('prints one start-up summary: where it listens, the database, sandbox mode and declared connections', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const proc = await launch(db);
    const summary = proc.logLines().filter((line) => line.msg === 'Switchboard started');
    assert.equal(summary.length, 1, proc.stdout.join('\n'));
    assert.equal(summary[0].url, proc.url);
    assert.equal(summary[0].docs, `${proc.url}/docs`);
    assert.match(String(summary[0].sandbox), /^on \(auto: no enabled connection to a real vendor\)$/);
    assert.equal(summary[0].declared_connections, 0);
    assert.equal(
      summary[0].database,
      db.env.DATABASE_URL ? new URL(db.env.DATABASE_URL).toString() : `embedded (${db.env.SWITCHBOARD_DATA_DIR})`,
    );
  });

  it('stops within seconds with one clear line when DATABASE_URL points at nothing', async () => {
    const closed = await freePort();
    const started = Date.now();
    const proc = new GatewayProcess({
      PORT: String(await freePort()),
      DATABASE_URL: `postgres://switchboard:hunter2@127.0.0.1:${closed}/gateway`,
    }).start();
    processes.push(proc);
    const code = await proc.wait();
    assert.equal(code, 1);
    // Loading the app takes a few seconds on a busy machine; the retries this replaces took 28 s more.
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(proc.stderr, [
      `Switchboard failed to start: cannot reach the database at postgres://switchboard:***@127.0.0.1:${closed}/gateway (ECONNREFUSED); check DATABASE_URL`,
    ]);
    assert.doesNotMatch([...proc.stdout, ...proc.stderr].join('\n'), /hunter2|\n\s+at /);
  });

  it('logs a vendor failure answered 502 as one warn line naming the connection, the vendor, its status and code, without a made-up error stack or any key', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const proc = await launch(db);
    const key = proc.stdout.join('\n').match(/sk_test_[A-Za-z0-9_-]{32}/)![0];
    const api = client(proc.url, key);
    const connection = (await api.get('/v1/providers?limit=200')).body.data.find(
      (c: any) => c.capabilities.list_agents,
    );
    const sim = client(new URL(connection.base_url).origin);
    assert.equal((await sim.post('/__sim/faults', { mode: 'error', status: 500 })).status, 200);
    const answer = await api.get(`/v1/providers/${connection.id}/agents`);
    assert.equal(answer.status, 502, answer.text);
    const requestId = answer.headers.get('x-request-id');
    const lines = await pollUntil(
      async () => proc.logLines().filter((line) => line.request_id === requestId),
      (found) => found.length >= 2,
      { what: 'the request logged' },
    );
    const warn = lines.filter((line) => line.provider === connection.provider);
    assert.equal(warn.length, 1, JSON.stringify(lines));
    assert.equal(warn[0].level, 40);
    assert.equal(warn[0].connection_id, connection.id);
    assert.equal(warn[0].provider_status, 500);
    assert.ok('provider_code' in warn[0]);
    const completed = lines.find((line) => line.msg === 'request completed')!;
    assert.equal(completed.level, 40, 'a vendor 502 is a warning, not a gateway error');
    assert.equal(completed.err, undefined, 'no made-up error with a stack');
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(`${key}|"stack"`));
    for (const vendorKey of VENDOR_KEYS)
      assert.ok(!JSON.stringify(proc.logLines()).includes(vendorKey), 'no vendor key anywhere in the log');
  });

  it('serves requests at the default log level without an AsyncLocalStorage or async hook anywhere in the process', async () => {
    // Any of them turns on promise hooks for every promise of the process (a measured share of
    // every create, bench/README.md); the probe reports each use on stderr.
    const probe = join(__dirname, '..', 'support', 'async-context-probe.js');
    const control = spawnSync(process.execPath, [
      '--require',
      probe,
      '-e',
      "new (require('node:async_hooks').AsyncLocalStorage)().run(1, () => {})",
    ]);
    assert.match(control.stderr.toString(), /async-context-probe: AsyncLocalStorage\.run/, 'the probe sees a use');

    const db = await createTestDatabase();
    databases.push(db);
    const proc = await launch(db, { NODE_OPTIONS: `--require ${probe}` });
    const key = proc.stdout.join('\n').match(/sk_test_[A-Za-z0-9_-]{32}/)![0];
    const api = client(proc.url, key);
    const agent = (await api.get('/v1/agents')).body.data[0];
    const created = await api.post('/v1/calls', { to: '+14155550180', agent_id: agent.id });
    assert.equal(created.status, 201, created.text);
    assert.ok(created.headers.get('server-timing'), 'the create was timed');
    assert.equal((await api.get(`/v1/calls/${created.body.id}?refresh=true`)).status, 200);
    assert.equal((await api.get('/v1/no-such-route')).status, 404);
    await pollUntil(
      async () => proc.logLines().filter((line) => line.msg === 'request completed').length,
      (n) => n >= 3,
      { what: 'the requests logged' },
    );
    const probed = proc.stderr.filter((line) => line.startsWith('async-context-probe:'));
    assert.deepEqual(probed, ['async-context-probe: armed'], probed.join('\n'));
  });

  it('prints a generated admin key once on first start; the data, keys included, survive a restart', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const first = await launch(db);
    const printed = first.stdout.join('\n').match(/sk_test_[A-Za-z0-9_-]{32}/g) ?? [];
    assert.equal(printed.length, 1, 'exactly one key printed');
    const admin = client(first.url, printed[0]);
    const created = await admin.post('/v1/keys', { name: 'survivor', scopes: ['keys:write'] });
    assert.equal(created.status, 201);
    assert.equal(await first.stop(), 0);

    const second = await launch(db);
    assert.doesNotMatch(second.stdout.join('\n'), /sk_test_/, 'no new key on a restart');
    assert.equal((await client(second.url, created.body.key).get('/v1/keys')).status, 200);
    assert.equal((await client(second.url, printed[0]).get('/v1/keys')).status, 200);
    assert.equal(await second.stop(), 0);
  });

  it('writes structured JSON logs with the request id and without credentials', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const adminKey = 'sk_test_logcheckadminkey0123456789';
    const proc = await launch(db, { SWITCHBOARD_ADMIN_KEY: adminKey });
    const api = client(proc.url, adminKey);
    const created = await api.post(
      '/v1/keys',
      { name: 'logged', scopes: ['calls:read'] },
      { headers: { 'x-request-id': 'trace-log-1' } },
    );
    await api.get('/v1/keys?api_key=leaky', { headers: { 'x-request-id': 'trace-log-2' } });
    assert.equal(await proc.stop(), 0);

    const lines = proc.logLines();
    const line = lines.find((l) => l.request_id === 'trace-log-1' && (l as { res?: unknown }).res);
    assert.ok(line, 'a request log line carries the request id');
    assert.equal((line as any).req.headers.authorization, '[redacted]');
    const all = proc.stdout.join('\n') + proc.stderr.join('\n');
    assert.ok(!all.includes(adminKey), 'the admin key is never logged');
    assert.ok(!all.includes(created.body.key), 'a created key is never logged');
    assert.ok(!all.includes('leaky'), 'key-like query parameters are redacted');
  });

  it('never writes a stored provider api_key to any log line, even at trace level and on vendor errors', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const adminKey = 'sk_test_secrecycheckadminkey0123456';
    const proc = await launch(db, { SWITCHBOARD_ADMIN_KEY: adminKey, LOG_LEVEL: 'trace' });
    const api = client(proc.url, adminKey);
    const sandbox = (await api.get('/v1/providers')).body.data as { provider: string; base_url: string }[];
    const kaicalls = sandbox.find((c) => c.provider === 'kaicalls')!;
    const secret = 'kc_live_never-log-this-0123456789abcdef';
    const rotated = 'kc_live_rotated-never-log-this-987654321';
    // A wrong key, so the vendor answers 401 and the error path runs too.
    const created = await api.post('/v1/providers', {
      provider: 'kaicalls',
      name: 'secret holder',
      credentials: { api_key: secret },
      base_url: kaicalls.base_url,
      verify: false,
    });
    assert.equal(created.status, 201);
    assert.equal((await api.get(`/v1/providers/${created.body.id}/agents`)).status, 502);
    assert.equal(
      (await api.patch(`/v1/providers/${created.body.id}`, { credentials: { api_key: rotated } })).status,
      200,
    );
    assert.equal((await api.get(`/v1/providers/${created.body.id}/numbers`)).status, 502);
    assert.equal(
      (await api.post('/v1/providers', { provider: 'nope', name: 'x', credentials: { api_key: secret } })).status,
      422,
    );
    assert.equal(await proc.stop(), 0);

    const all = proc.stdout.join('\n') + proc.stderr.join('\n');
    assert.ok(proc.logLines().length > 20, 'trace logging really ran');
    assert.ok(!all.includes(secret), 'the api_key never appears in a log line');
    assert.ok(!all.includes(rotated), 'the rotated api_key never appears in a log line');
    assert.ok(!all.includes('never-log-this'), 'not even in part');
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const adminKey = 'sk_test_shutdowncheckadminkey01234';
    const proc = await launch(db, { SWITCHBOARD_ADMIN_KEY: adminKey });
    const body = JSON.stringify({ name: 'in-flight', scopes: ['calls:read'] });
    const half = Math.floor(body.length / 2);
    const request = await startSlowRequest(
      Number(new URL(proc.url).port),
      `POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    // A round trip on another connection: the server has read the first request's head by
    // the time it answers this one (both arrive on one event loop, the head first).
    assert.equal((await fetch(`${proc.url}/health/live`)).status, 200);
    proc.signal('SIGTERM');
    // The new connection is refused once the server stops accepting...
    await pollUntil(
      () =>
        fetch(`${proc.url}/health/live`).then(
          () => 'open',
          () => 'refused',
        ),
      (s) => s === 'refused',
      { what: 'the listener to close' },
    );
    // ...while the request already in flight still completes.
    const response = await request.finish(body.slice(half));
    assert.match(response, /^HTTP\/1\.1 201/);
    assert.equal(await proc.wait(), 0);
  });

  it('refuses a bad configuration with a clear message and exit code 1', async () => {
    const proc = new GatewayProcess({
      PORT: 'eighty',
      SWITCHBOARD_SANDBOX: 'sometimes',
      DATABASE_URL: 'mysql://nope',
    }).start();
    processes.push(proc);
    assert.equal(await proc.wait(), 1);
    const err = proc.stderr.join('\n');
    assert.match(err, /Invalid configuration/);
    // The type is what is wrong with 'eighty', not its range.
    assert.match(err, /PORT must be an integer number/);
    assert.doesNotMatch(err, /PORT must not be greater/);
    assert.match(err, /SWITCHBOARD_SANDBOX/);
    assert.match(err, /DATABASE_URL/);
    assert.doesNotMatch(err, /mysql:\/\/nope/, 'the offending secret value is not echoed');
  });
});
