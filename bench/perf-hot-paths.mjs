#!/usr/bin/env node
// The hot paths of issue #15 side by side in one run, for before/after comparisons of the
// perf work (bench/README.md keeps the full suite): the Kalem simulator and the gateway each
// in their own process, real PostgreSQL (a scratch database), CPU per request from /proc.
//   1. vendor alone: POST the simulator's /calls directly
//   2. gateway POST /v1/calls pinned to a connection on that simulator (gateway + Postgres CPU)
//   3. unloaded: one connection, vendor alone vs the gateway's create (added latency)
//   4. GET /v1/calls/:id next to a bare node:http + one SELECT floor (bench/perf-get-floor.mjs)
//   5. GET /health/live
// Then a counting pass (a second gateway process with BENCH_COUNT_SQL): SQL round trips per
// create and per GET, by statement. `--profile` writes a CPU profile of the create row,
// `--profile-get` one of the GET row.
//
//   npm run build && node bench/perf-hot-paths.mjs [-- --seconds 8 --warmup 2 --connections 20 --profile --profile-get]
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOnce, gatewayApi, profileChild, simulatorControl, startChild } from './lib/children.mjs';
import { openCpuWindow } from './lib/cpu-window.mjs';
import { fmt, percentile, runHeading } from './lib/format.mjs';
import { loadWithLatencies } from './lib/load.mjs';
import { benchOptions } from './lib/options.mjs';
import { createScratchDatabase } from './lib/scratch-db.mjs';

const require = createRequire(import.meta.url);
const { number, flag, dist, pgServer, opt } = benchOptions();
const seconds = number('seconds', 8);
const warmup = number('warmup', 2);
const connections = number('connections', 20);
const profile = flag('profile');
const profileGet = flag('profile-get');
const { KALEM_SEED } = require(join(dist, 'libs/simulators/src/kalem/index.js'));

const scratch = await createScratchDatabase(pgServer);
const { name: dbName, url: dbUrl, version: pgVersion, admin } = scratch;
const children = [];
const cleanup = cleanupOnce(async () => {
  for (const c of children.reverse()) await c.stop();
  await scratch.drop();
});

let callee = 0;
const nextCallee = () => `+1555${String(1_000_000 + (callee++ % 9_000_000)).slice(-7)}`;

async function row(
  title,
  { url, path, method = 'GET', headers = {}, body, pids, conns = connections, expect = 200, requestBody },
) {
  const setupRequest = (req) => ({ ...req, method, path, headers, body: requestBody ? requestBody() : body });
  let bad = 0;
  const statuses = {};
  const onResponse = (status) => {
    if (status === expect) return;
    bad++;
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  await loadWithLatencies({ url, connections: conns, duration: warmup, setupRequest, onResponse });
  bad = 0;
  for (const k of Object.keys(statuses)) delete statuses[k];
  const close = await openCpuWindow({ admin, dbName, pids });
  const { result, latencies } = await loadWithLatencies({
    url,
    connections: conns,
    duration: seconds,
    setupRequest,
    onResponse,
  });
  const cpu = await close();
  latencies.sort((a, b) => a - b);
  const n = result.requests.total;
  return {
    title,
    rps: n / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    serverMs: cpu.pidMs[0] / n,
    pgMs: cpu.pgMs / n,
    bad: bad + result.errors + result.timeouts,
    badDetail: {
      ...statuses,
      ...(result.errors ? { errors: result.errors } : {}),
      ...(result.timeouts ? { timeouts: result.timeouts } : {}),
    },
    machineBusy: cpu.machineBusy,
  };
}

try {
  const adminKey = `sk_test_bench${randomBytes(12).toString('hex')}`;
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const simulator = startChild('failover-simulator.mjs', { BENCH_DIST: dist }, []);
  children.push(simulator);
  const kalem = await simulator.next('ready');
  const sim = simulatorControl(kalem.origin);
  const resetSimulator = async () => {
    await sim('reset');
    await sim('config', { rate_limits: false });
    await sim('scenario', { webhooks: 'drop', ring_ms: 3_600_000 });
  };
  // Kalem's own published budgets would throttle a load test: the gateway's budgets are off here (one statement fewer per create; counted separately below).
  const gatewayEnv = (extra = {}) => ({
    BENCH_DIST: dist,
    DATABASE_URL: dbUrl,
    BENCH_ADMIN_KEY: adminKey,
    BENCH_GATEWAY_ENV: JSON.stringify({
      SWITCHBOARD_SANDBOX: 'off',
      SWITCHBOARD_SECRET_KEY: secretKey,
      VENDOR_RATE_BUDGETS: opt('budgets', 'off'),
      PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
      ...extra,
    }),
  });
  const secretKey = randomBytes(32).toString('hex');
  const gateway = startChild('perf-gateway.mjs', gatewayEnv(), []);
  children.push(gateway);
  const { url: gatewayUrl, pid: gatewayPid } = await gateway.next('ready');
  const api = gatewayApi(gatewayUrl, adminKey);
  const connection = await api('/v1/providers', {
    method: 'POST',
    body: JSON.stringify({
      provider: 'kalem',
      name: 'kalem (bench)',
      credentials: { api_key: kalem.apiKey },
      base_url: kalem.baseUrl,
      defaults: kalem.defaults,
    }),
  });
  const agent = await api('/v1/agents', {
    method: 'POST',
    body: JSON.stringify({
      name: 'perf bench',
      bindings: [{ connection_id: connection.id, provider_agent_id: String(KALEM_SEED.agents[0].id) }],
    }),
  });
  const createBody = () => JSON.stringify({ to: nextCallee(), agent_id: agent.id, provider: connection.id });
  await resetSimulator();
  const readCall = await api('/v1/calls', { method: 'POST', body: createBody() });

  const floor = startChild('perf-get-floor.mjs', { DATABASE_URL: dbUrl }, []);
  children.push(floor);
  const { url: floorUrl, pid: floorPid } = await floor.next('ready');

  const vendorHeaders = {
    'content-type': 'application/json',
    authorization: `Bearer ${kalem.apiKey}`,
    accept: 'application/json',
  };
  const vendorBody = JSON.stringify({
    to_number: '+15550001111',
    agent_id: KALEM_SEED.agents[0].id,
    ...kalem.defaults,
  });
  const vendorPath = new URL(`${kalem.baseUrl}/calls`).pathname;
  const rows = [];
  await resetSimulator();
  rows.push(
    await row('vendor alone: POST Kalem simulator /calls', {
      url: kalem.origin,
      path: vendorPath,
      method: 'POST',
      headers: vendorHeaders,
      body: vendorBody,
      pids: [kalem.pid],
      expect: 201,
    }),
  );
  await resetSimulator();
  const create = {
    url: gatewayUrl,
    path: '/v1/calls',
    method: 'POST',
    headers,
    requestBody: createBody,
    pids: [gatewayPid],
    expect: 201,
  };
  rows.push(await row('gateway POST /v1/calls (pinned)', create));
  await resetSimulator();
  rows.push(
    await row('unloaded (1 connection): vendor alone', {
      url: kalem.origin,
      path: vendorPath,
      method: 'POST',
      headers: vendorHeaders,
      body: vendorBody,
      pids: [kalem.pid],
      conns: 1,
      expect: 201,
    }),
  );
  await resetSimulator();
  rows.push(await row('unloaded (1 connection): gateway POST /v1/calls', { ...create, conns: 1 }));
  rows.push(
    await row('floor: node:http + one SELECT by id', {
      url: floorUrl,
      path: `/v1/calls/${readCall.id}`,
      pids: [floorPid],
    }),
  );
  // No content-type on a GET: Fastify refuses an empty JSON body with 400.
  rows.push(
    await row('gateway GET /v1/calls/:id', {
      url: gatewayUrl,
      path: `/v1/calls/${readCall.id}`,
      headers: { authorization: headers.authorization },
      pids: [gatewayPid],
    }),
  );
  rows.push(await row('gateway GET /health/live', { url: gatewayUrl, path: '/health/live', pids: [gatewayPid] }));

  let profiled = null;
  if (profileGet) {
    const file = join(tmpdir(), `switchboard-perf-get-${dbName}.cpuprofile`);
    await profileChild(gateway, file, () =>
      loadWithLatencies({
        url: gatewayUrl,
        connections,
        duration: seconds,
        setupRequest: (req) => ({
          ...req,
          method: 'GET',
          path: `/v1/calls/${readCall.id}`,
          headers: { authorization: headers.authorization },
        }),
      }),
    );
    console.log(`GET CPU profile: ${file}`);
  }
  if (profile) {
    await resetSimulator();
    const file = join(tmpdir(), `switchboard-perf-create-${dbName}.cpuprofile`);
    await profileChild(gateway, file, () =>
      loadWithLatencies({
        url: gatewayUrl,
        connections,
        duration: seconds,
        setupRequest: (req) => ({ ...req, method: 'POST', path: '/v1/calls', headers, body: createBody() }),
      }),
    );
    profiled = file;
  }
  await gateway.stop();

  // Counting pass: a fresh gateway process (warm caches after one request), N sequential requests per path.
  const counting = startChild('perf-gateway.mjs', { ...gatewayEnv(), BENCH_COUNT_SQL: '1' }, []);
  children.push(counting);
  const { url: countUrl } = await counting.next('ready');
  const countApi = gatewayApi(countUrl, adminKey);
  const sqlCount = async () => {
    counting.child.send({ type: 'sql' });
    return counting.next('sql');
  };
  const perRequest = async (label, fn, n = 50) => {
    await fn();
    const before = await sqlCount();
    for (let i = 0; i < n; i++) await fn();
    const after = await sqlCount();
    const byText = new Map(before.byText);
    const diff = after.byText
      .map(([k, v]) => [k, (v - (byText.get(k) ?? 0)) / n])
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]);
    return { label, total: (after.total - before.total) / n, diff };
  };
  await resetSimulator();
  const counts = [];
  counts.push(await perRequest('POST /v1/calls', () => countApi('/v1/calls', { method: 'POST', body: createBody() })));
  counts.push(await perRequest('GET /v1/calls/:id', () => countApi(`/v1/calls/${readCall.id}`)));
  counts.push(await perRequest('GET /v1/calls?limit=10', () => countApi('/v1/calls?limit=10')));

  console.log(
    `\n${runHeading(pgVersion)}; ${seconds}s per row after ${warmup}s warm-up, ${connections} connections, gateway budgets ${opt('budgets', 'off')}\n`,
  );
  console.log('| case | req/s | p50 ms | p99 ms | server CPU ms/req | Postgres CPU ms/req | bad | machine busy |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.title} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.serverMs, 3)} | ${fmt(r.pgMs, 3)} | ${r.bad}${r.bad ? ` ${JSON.stringify(r.badDetail)}` : ''} | ${fmt(100 * r.machineBusy, 0)} % |`,
    );
  const by = (t) => rows.find((r) => r.title.startsWith(t));
  console.log(
    `\nGET ratio to floor (req/s): ${fmt((100 * by('gateway GET /v1/calls/:id').rps) / by('floor').rps, 0)} %`,
  );
  console.log(
    `unloaded added latency of a create (p50): ${fmt(by('unloaded (1 connection): gateway').p50 - by('unloaded (1 connection): vendor').p50, 2)} ms`,
  );
  for (const c of counts) {
    console.log(`\nSQL round trips per ${c.label}: ${fmt(c.total, 2)}`);
    for (const [k, v] of c.diff) console.log(`  ${fmt(v, 2)}  ${k}`);
  }
  if (profiled) console.log(`\ncreate CPU profile: ${profiled}`);
  writeFileSync(join(tmpdir(), 'switchboard-perf-last.json'), JSON.stringify({ rows, counts }, null, 1));
} finally {
  await cleanup();
}
