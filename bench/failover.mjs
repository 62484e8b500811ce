#!/usr/bin/env node
// What failover adds to a call create when the first connection refuses connections, next
// to the same create with no failure, in one run on real PostgreSQL. Three rows, same load:
//
//   1. no failure: POST /v1/calls routed to a healthy Kalem connection only;
//   2. failover, circuit breaking off: routed to [dead Kalem, healthy Kalem], the dead one's
//      base_url a 127.0.0.1 port with nothing listening; every create tries it, is refused,
//      records the failed attempt through the ledger and places the call on the healthy one;
//   3. the same with circuit breaking at its defaults: after a few refusals the dead
//      connection's circuit opens and it is skipped without a request (the steady state).
//
// Loopback only. Each row gets a fresh gateway child (bench/webhook-ingest-gateway.mjs,
// sandbox off, connections created through the API), so circuits start closed and every row
// warms up alike; the Kalem simulator runs in its own child (bench/failover-simulator.mjs) so
// the vendor's CPU is not counted as the gateway's. CPU is read from /proc/<pid>/stat as in
// bench/webhook-ingest.mjs. Every response body is checked: the attempts it lists must be
// the ones its row claims to measure.
//
//   npm run bench:failover [-- --seconds 10 --warmup 3 --connections 10 --profile]
//   BENCH_DIST=.scratch/bench/dist node bench/failover.mjs      (or --dist <folder>; default dist)
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres     (the server to create the scratch database on)
//
// A scratch database switchboard_bench_<random> is created on that server and dropped at the end.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOnce, gatewayApi, profileChild, simulatorControl, startChild } from './lib/children.mjs';
import { frameLabel, packageOf, selfTimeByNode } from './lib/cpu-profile.mjs';
import { openCpuWindow } from './lib/cpu-window.mjs';
import { currentCommit, fmt, percentile, runHeading, signed } from './lib/format.mjs';
import { loadWithLatencies } from './lib/load.mjs';
import { benchOptions, root } from './lib/options.mjs';
import { createScratchDatabase } from './lib/scratch-db.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

const { number, flag, dist, pgServer } = benchOptions();
const seconds = number('seconds', 10);
const warmup = number('warmup', 3);
const connections = number('connections', 10);
const profile = flag('profile');

const scratch = await createScratchDatabase(pgServer);
const { name: dbName, url: dbUrl, version: pgVersion, admin } = scratch;

// ---------------------------------------------------------------------------------------
// A vendor that refuses connections

/** A loopback port nothing listens on: bound once to get a free number, then released. */
function closedPort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Load

let nextNumber = 0;
/** A different callee per create, as in real traffic; nothing at the vendor keys on it. */
const callee = () => `+1555${String(1_000_000 + (nextNumber++ % 9_000_000)).slice(-7)}`;

async function load(origin, headers, body, duration, names) {
  const shapes = new Map();
  const statuses = new Map();
  /** One body per unexpected status, so a failing row says why. */
  const examples = new Map();
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  const { result, latencies } = await loadWithLatencies({
    url: origin,
    connections,
    duration,
    setupRequest: (req) => ({
      ...req,
      method: 'POST',
      path: '/v1/calls',
      headers,
      body: JSON.stringify({ ...body, to: callee() }),
    }),
    onResponse: (status, text) => {
      count(statuses, status);
      if (status !== 201) {
        if (!examples.has(status)) examples.set(status, text.slice(0, 600));
        return;
      }
      // Every response, not a sample: parsing a few hundred bodies a second is the load generator's cost, not the gateway's.
      const call = JSON.parse(text);
      const shape = (call.attempts ?? [])
        .map(
          (a) =>
            `${names.get(a.connection_id) ?? a.connection_id} ${a.outcome}${a.error_code ? ` (${a.error_code})` : ''}`,
        )
        .join(' → ');
      count(shapes, `${shape} ⇒ placed on ${names.get(call.connection_id) ?? call.connection_id}`);
    },
  });
  return { result, latencies, shapes, statuses, examples };
}

/** Committed events by type: every answered create has committed, so the delta over a window is exact. */
async function eventCounts(db) {
  const { rows } = await db.query('SELECT type, count(*)::int AS n FROM events GROUP BY type');
  return new Map(rows.map((r) => [r.type, r.n]));
}

async function measureRow(row, gatewayUrl, gatewayPid, simulatorPid, headers, names, db) {
  await load(gatewayUrl, headers, row.body, warmup, names);
  const eventsBefore = await eventCounts(db);
  const closeWindow = await openCpuWindow({ admin, dbName, pids: [gatewayPid, simulatorPid] });
  const { result, latencies, shapes, statuses, examples } = await load(gatewayUrl, headers, row.body, seconds, names);
  const cpu = await closeWindow();
  const [gatewayMs, simulatorMs] = cpu.pidMs;
  const { pgMs } = cpu;
  const requests = result.requests.total;
  const eventsAfter = await eventCounts(db);
  // Per call.created, not per answered request: creates still in flight at the window's edges commit on either side of it.
  const created = (eventsAfter.get('call.created') ?? 0) - (eventsBefore.get('call.created') ?? 0);
  const events = [...eventsAfter]
    .map(([type, n]) => [type, (n - (eventsBefore.get(type) ?? 0)) / created])
    .filter(([, n]) => n > 0);
  const windowMs = result.duration * 1000;
  latencies.sort((a, b) => a - b);
  return {
    ...row,
    requests,
    rps: requests / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed: result.non2xx + result.errors + result.timeouts,
    gatewayMsPerRequest: gatewayMs / requests,
    gatewayCores: gatewayMs / windowMs,
    pgMsPerRequest: pgMs / requests,
    simulatorMsPerRequest: simulatorMs / requests,
    loaderCores: cpu.loaderMs / windowMs,
    otherCores: (cpu.machineBusyMs - gatewayMs - pgMs - simulatorMs - cpu.loaderMs) / windowMs,
    machineBusy: cpu.machineBusy,
    shapes,
    statuses,
    examples,
    events,
  };
}

// ---------------------------------------------------------------------------------------
// CPU profile (--profile): each row's gateway under the same load, after its measured window.
// Self time per request, so rows can be subtracted: what failover adds, function by function.

function selfTimePerRequest(profileJson, requests) {
  const { byId, selfUs } = selfTimeByNode(profileJson);
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    const file = callFrame.url
      .replace(/^file:\/\//, '')
      .replace(root, '')
      .replace(/^.*node_modules\//, '');
    const key = frameLabel(callFrame, file);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us / 1000 / requests);
    const pkg = packageOf(callFrame, file, dist);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us / 1000 / requests);
    total += us / 1000 / requests;
  }
  return { byFunction, byPackage, total };
}

/** The entries that grew most per request from `base` to `row`. */
function growth(row, base, limit = 12) {
  const keys = new Set([...row.keys(), ...base.keys()]);
  return [...keys]
    .map((k) => [k, (row.get(k) ?? 0) - (base.get(k) ?? 0)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
}

async function profileRow(url, headers, body, names, tag) {
  const file = join(tmpdir(), `switchboard-failover-${dbName}-${tag}.cpuprofile`);
  const { result: profiled, profile: json } = await profileChild(gateway, file, () =>
    load(url, headers, body, seconds, names),
  );
  const requests = profiled.result.requests.total;
  return { file, requests, ...selfTimePerRequest(json, requests) };
}

// ---------------------------------------------------------------------------------------
// Run

const { variableMeta } = require(join(dist, 'src/config/config.variables.js'));
const { KALEM_SEED } = require(join(dist, 'libs/simulators/src/kalem/index.js'));
// Vendor rate budgets kept by the gateway would throttle the healthy connection mid-row; off when this build has them.
const rateBudgetsVariable = variableMeta().has('VENDOR_RATE_BUDGETS');
// One secret key for every gateway child: the credentials the first one encrypted must be readable by the next.
const common = {
  SWITCHBOARD_SANDBOX: 'off',
  PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
  SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
  ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
  ...(rateBudgetsVariable ? { VENDOR_RATE_BUDGETS: 'off' } : {}),
};
const noCircuits = { CIRCUIT_CONSECUTIVE_FAILURES: '1000000000', CIRCUIT_SAMPLING_MIN_REQUESTS: '1000000000' };

let gateway;
let simulator;
const cleanup = cleanupOnce(async () => {
  await gateway?.stop();
  await simulator?.stop();
  await scratch.drop();
});
try {
  const adminKey = `sk_test_bench${randomBytes(12).toString('hex')}`;
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  // Children start without this process's Node flags (`[]`), so an --inspect or --cpu-prof given to the parent is not taken by every child.
  const startGateway = async (env) => {
    gateway = startChild(
      'webhook-ingest-gateway.mjs',
      {
        BENCH_DIST: dist,
        DATABASE_URL: dbUrl,
        BENCH_ADMIN_KEY: adminKey,
        BENCH_GATEWAY_ENV: JSON.stringify({ ...common, ...env }),
      },
      [],
    );
    return gateway.next('ready');
  };
  const apiOf = (url) => gatewayApi(url, adminKey);

  simulator = startChild('failover-simulator.mjs', { BENCH_DIST: dist }, []);
  const kalem = await simulator.next('ready');
  const sim = simulatorControl(kalem.origin);
  // Each row starts from an empty simulator (thousands of live calls would tax the next row);
  // its webhooks are dropped and calls keep ringing, so no webhook lands in the measurement.
  const resetSimulator = async () => {
    await sim('reset');
    await sim('config', { rate_limits: false });
    await sim('scenario', { webhooks: 'drop', ring_ms: 3_600_000 });
  };

  // Connections and the agent, through the API of a first gateway; they stay in the database for the rows.
  const deadPort = await closedPort();
  const setup = await startGateway({});
  const api = apiOf(setup.url);
  const connection = (name, baseUrl, priority) =>
    api('/v1/providers', {
      method: 'POST',
      body: JSON.stringify({
        provider: 'kalem',
        name,
        credentials: { api_key: kalem.apiKey },
        base_url: baseUrl,
        defaults: kalem.defaults,
        priority,
      }),
    });
  const dead = await connection('kalem, refusing connections', `http://127.0.0.1:${deadPort}/api/v1`, 1);
  const healthy = await connection('kalem, healthy', kalem.baseUrl, 2);
  const agent = await api('/v1/agents', {
    method: 'POST',
    body: JSON.stringify({
      name: 'failover bench',
      bindings: [
        { connection_id: dead.id, provider_agent_id: String(KALEM_SEED.agents[0].id) },
        { connection_id: healthy.id, provider_agent_id: String(KALEM_SEED.agents[0].id) },
      ],
    }),
  });
  await gateway.stop();
  const names = new Map([
    [dead.id, 'dead'],
    [healthy.id, 'healthy'],
  ]);

  const rows = [
    {
      key: 'no failure',
      title: '1. no failure: healthy Kalem only',
      env: {},
      body: { agent_id: agent.id, routing: { connections: [healthy.id] } },
      expected: 'healthy created ⇒ placed on healthy',
    },
    {
      key: 'failover, no circuit',
      title: '2. dead first, circuit breaking off: refused, then placed',
      env: noCircuits,
      body: { agent_id: agent.id, routing: { connections: [dead.id, healthy.id] } },
      expected: 'dead failed (retryable) → healthy created ⇒ placed on healthy',
    },
    {
      key: 'failover, circuit open',
      title: '3. dead first, circuit breaking on (defaults): skipped unasked',
      env: {},
      body: { agent_id: agent.id, routing: { connections: [dead.id, healthy.id] } },
      expected: 'dead skipped (circuit_open) → healthy created ⇒ placed on healthy',
    },
  ];

  const db = new pg.Client({ connectionString: dbUrl, application_name: 'switchboard-bench-counts' });
  await db.connect();
  const measured = [];
  for (const row of rows) {
    await resetSimulator();
    const { url, pid } = await startGateway(row.env);
    const result = await measureRow(row, url, pid, kalem.pid, headers, names, db);
    result.deadHealth = (await apiOf(url)(`/v1/providers/${dead.id}`)).health;
    if (profile) result.profile = await profileRow(url, headers, row.body, names, measured.length + 1);
    await gateway.stop();
    gateway = null;
    measured.push(result);
  }
  await db.end();

  const commit = currentCommit();
  console.log(
    `\n${runHeading(pgVersion, commit)}` +
      `\n${connections} connections, ${warmup} s warm-up + ${seconds} s measured per row, a fresh gateway process per row` +
      `\nVENDOR_RATE_BUDGETS: ${rateBudgetsVariable ? 'set to off' : 'not a variable of this build (nothing to switch off)'}; simulator rate limits off\n`,
  );
  console.log(
    '| row | req/s | p50 ms | p99 ms | gateway CPU ms/req | Postgres CPU ms/req | vendor sim CPU ms/req | non-2xx/errors |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of measured)
    console.log(
      `| ${r.title} | ${Math.round(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.gatewayMsPerRequest, 2)} | ${fmt(r.pgMsPerRequest, 2)} | ${fmt(r.simulatorMsPerRequest, 2)} | ${r.failed} |`,
    );
  const [base] = measured;
  console.log('\n| versus row 1 | p50 ms | p99 ms | gateway CPU ms/req | Postgres CPU ms/req | req/s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of measured.slice(1))
    console.log(
      `| ${r.title.split(':')[0]} ${r.key} | ${signed(r.p50 - base.p50)} | ${signed(r.p99 - base.p99)} | ${signed(r.gatewayMsPerRequest - base.gatewayMsPerRequest, 2)} (×${fmt(r.gatewayMsPerRequest / base.gatewayMsPerRequest, 2)}) | ${signed(r.pgMsPerRequest - base.pgMsPerRequest, 2)} (×${fmt(r.pgMsPerRequest / base.pgMsPerRequest, 2)}) | ×${fmt(r.rps / base.rps, 2)} |`,
    );

  console.log('\nWhat each row measured: attempts of every 201 answered in the measured window, and the statuses');
  let mismatched = 0;
  for (const r of measured) {
    const total = [...r.shapes.values()].reduce((a, b) => a + b, 0);
    const expected = r.shapes.get(r.expected) ?? 0;
    mismatched += r.key === 'failover, circuit open' ? 0 : total - expected;
    console.log(
      `  ${r.title.split(':')[0]}: ${expected} of ${total} as expected (${r.expected}); statuses ${[...r.statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`,
    );
    for (const [shape, n] of [...r.shapes].sort((a, b) => b[1] - a[1]))
      if (shape !== r.expected) console.log(`      also ${n}× ${shape}`);
    console.log(
      `      dead connection afterwards: circuit ${r.deadHealth?.circuit ?? '?'}${r.deadHealth?.circuit_next_probe_at ? `, next probe ${r.deadHealth.circuit_next_probe_at}` : ''}`,
    );
    for (const [status, text] of r.examples) console.log(`      a ${status}: ${text}`);
    console.log(
      `      events appended per call.created: ${r.events.map(([type, n]) => `${type} ${fmt(n, 2)}`).join(', ')}`,
    );
  }
  console.log('\nCores busy per row (gateway, load generator, Postgres, anything else on the machine):');
  for (const r of measured)
    console.log(
      `  ${r.title.split(':')[0]}: gateway ${fmt(r.gatewayCores, 2)}, loader ${fmt(r.loaderCores, 2)}, postgres ${fmt((r.pgMsPerRequest * r.rps) / 1000, 2)}, simulator ${fmt((r.simulatorMsPerRequest * r.rps) / 1000, 2)}, other ${fmt(r.otherCores, 2)} (machine ${fmt(100 * r.machineBusy, 0)} % of ${cpus().length})`,
    );
  const busyElsewhere = measured.filter((r) => r.otherCores > 0.1);
  if (busyElsewhere.length)
    console.log(
      `\nnote: something else kept the machine busy during ${busyElsewhere.map((r) => r.title.split('.')[0]).join(', ')} (other > 0.1 cores): figures not comparable`,
    );
  if (profile) {
    const ms = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(3)} ms`;
    console.log(
      '\nCPU profiles (V8 sampling profiler in the gateway child, same load, after each measured window): self time per request, idle left out',
    );
    for (const r of measured)
      console.log(
        `  ${r.title.split(':')[0]}: ${r.profile.requests} requests, ${r.profile.total.toFixed(2)} ms/req on the gateway thread (${r.profile.file})`,
      );
    for (const r of measured.slice(1)) {
      console.log(`\n${r.title.split(':')[0]} ${r.key} minus row 1, per request, by package:`);
      for (const [k, d] of growth(r.profile.byPackage, base.profile.byPackage, 8))
        console.log(`  ${ms(d).padStart(11)}  ${k}`);
      console.log('by function:');
      for (const [k, d] of growth(r.profile.byFunction, base.profile.byFunction))
        console.log(`  ${ms(d).padStart(11)}  ${k}`);
    }
  }
  // Row 3 may see a probe or the first refusals before its circuit opens; rows 1 and 2 must be exact.
  if (measured.some((r) => r.failed) || mismatched) process.exitCode = 1;
} finally {
  await cleanup();
}
