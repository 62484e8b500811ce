#!/usr/bin/env node
// Webhook ingest on real PostgreSQL: POST /webhooks/hmsovereign/:connection_id (verify the
// HMAC, store raw, dedupe, apply to the call through the ledger) next to a bare floor measured
// in the same run: node:http + the same HMAC check + one INSERT … ON CONFLICT DO NOTHING.
// Loopback only. The gateway and the floor each run in their own child process, so server
// CPU per request is read from /proc/<child pid>/stat (utime + stime) before and after the
// measured window; Postgres CPU the same way over the scratch database's backends plus the
// WAL writer, checkpointer and background writer.
//
//   npm run bench:ingest [-- --seconds 10 --warmup 3 --connections 20 --calls 1500 --duplicates 0.2 --profile]
//   BENCH_DIST=.scratch/bench/dist node bench/webhook-ingest.mjs      (or --dist <folder>; default dist)
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres           (the server to create the scratch database on)
//
// A scratch database switchboard_bench_<random> is created on that server and dropped at the end.
import autocannon from 'autocannon';
import { execFileSync, fork } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pg = require('pg');

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[i + 1] : fallback;
};
const flag = (name) => argv.includes(`--${name}`);
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = resolve(root, opt('dist', process.env.BENCH_DIST ?? 'dist'));
const seconds = Number(opt('seconds', 10));
const warmup = Number(opt('warmup', 3));
const connections = Number(opt('connections', 20));
const callCount = Number(opt('calls', 1500));
const duplicateShare = Number(opt('duplicates', 0.2));
const profile = flag('profile');
const pgServer = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// ---------------------------------------------------------------------------------------
// CPU from /proc

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), in ms; null once it is gone. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (every core), from /proc/stat. */
function machineJiffies() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

// ---------------------------------------------------------------------------------------
// Scratch database

const dbName = `switchboard_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: pgServer, application_name: 'switchboard-bench-admin' });
await admin.connect();
const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = (() => {
  const u = new URL(pgServer);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

/** Postgres processes that serve this benchmark: the scratch database's backends plus the shared writers. */
async function postgresPids() {
  const { rows } = await admin.query(
    `SELECT pid, backend_type FROM pg_stat_activity
     WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    [dbName],
  );
  return rows;
}

async function postgresCpu() {
  const out = new Map();
  for (const { pid, backend_type } of await postgresPids()) {
    const ms = processCpuMs(pid);
    if (ms !== null) out.set(pid, { ms, aux: backend_type !== 'client backend' });
  }
  return out;
}

/** CPU spent between two snapshots; a process that started in between counts whole. */
function postgresDelta(before, after) {
  let backends = 0;
  let aux = 0;
  for (const [pid, { ms, aux: isAux }] of after) {
    const d = ms - (before.get(pid)?.ms ?? 0);
    if (isAux) aux += d;
    else backends += d;
  }
  return { backends, aux };
}

/**
 * Samples the scratch database's client backends every `everyMs` while a row runs: how many
 * are executing, waiting for a lock, waiting on their client (idle in transaction) or free,
 * and what the holder of the event log's append lock (src/events/event-log.repository.ts,
 * key 0x53424556) is doing. Diagnostic only: the sampling connection is on another database.
 */
function sampleBackends(everyMs = 100) {
  const counts = {};
  const holder = {};
  let samples = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const { rows } = await admin.query(
        `SELECT a.state, a.wait_event_type, a.wait_event,
                EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                        AND l.classid = 0 AND l.objid = 1396852054 AND l.objsubid = 1) AS holds_append_lock,
                EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND NOT l.granted
                        AND l.classid = 0 AND l.objid = 1396852054 AND l.objsubid = 1) AS awaits_append_lock
         FROM pg_stat_activity a WHERE a.datname = $1 AND a.backend_type = 'client backend'`,
        [dbName],
      );
      samples++;
      let held = false;
      for (const r of rows) {
        const what =
          r.state !== 'active'
            ? r.state
            : r.awaits_append_lock
              ? 'waiting for the event append lock'
              : r.wait_event_type
                ? `active, waiting ${r.wait_event_type}:${r.wait_event}`
                : 'active, running';
        counts[what] = (counts[what] ?? 0) + 1;
        if (r.holds_append_lock) {
          held = true;
          holder[what] = (holder[what] ?? 0) + 1;
        }
      }
      if (!held) holder['(not held)'] = (holder['(not held)'] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async () => {
    stopped = true;
    await done;
    const per = (map) => Object.fromEntries(Object.entries(map).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n / samples]));
    return { samples, backends: per(counts), appendLockHolder: per(holder) };
  };
}

// ---------------------------------------------------------------------------------------
// Children

function start(script, env) {
  const child = fork(join(root, 'bench', script), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type) =>
    new Promise((res, rej) => {
      const onMessage = (msg) => {
        if (msg.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        res(msg);
      };
      const onExit = (code) => rej(new Error(`${script} exited (${code}) while waiting for ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const stop = () =>
    new Promise((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        res();
      });
      child.send({ type: 'stop' });
    });
  return { child, next, stop };
}

// ---------------------------------------------------------------------------------------
// The webhooks: a realistic HMS Sovereign mix over pre-created calls, each call getting its
// answered status-update, then its ended status-update, then its end-of-call-report. Calls go
// in blocks of BLOCK: the block's answered updates, then its ended updates, then its reports,
// so any stretch of 3 × BLOCK requests is a third of each and one call's events are BLOCK
// requests apart (they do not queue on its row).
// `duplicateShare` of the requests re-send, freshly signed, the exact body of an earlier one
// (a vendor retry); the earlier one is at least 50 requests back, so usually already answered.

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BLOCK = 100;
const OWN_NUMBER = { number: '+31201234567', name: 'Tandarts Jansen' };
const TRANSCRIPT = [
  { role: 'assistant', content: 'Goedemorgen, u spreekt met Tandarts Jansen. Waarmee kan ik u helpen?' },
  { role: 'user', content: 'Ik wil graag een afspraak maken voor een controle.' },
  { role: 'assistant', content: 'Dat kan. Past dinsdag om tien uur?' },
  { role: 'user', content: 'Ja, dat is prima.' },
  { role: 'assistant', content: 'Genoteerd: dinsdag 10:00. Tot dan!' },
];

class WebhookStream {
  constructor(calls, secret, share, seed) {
    Object.assign(this, { calls, secret, share, random: mulberry32(seed) });
    this.recent = new Array(4096);
    this.unique = 0;
    this.duplicates = 0;
    this.beyondFresh = 0; // requests past the three fresh events per call (then: later resends of the report)
  }

  body(u) {
    const block = Math.floor(u / (3 * BLOCK));
    const inBlock = u % (3 * BLOCK);
    let round = Math.floor(inBlock / BLOCK);
    let index = block * BLOCK + (inBlock % BLOCK);
    if (index >= this.calls.length) {
      // Out of fresh calls: later resends of reports (new vendor time, nothing left to change).
      this.beyondFresh++;
      index %= this.calls.length;
      round = 2;
    }
    const call = this.calls[index];
    const status = round === 0 ? 'in-progress' : 'ended';
    const message = {
      type: round === 2 ? 'end-of-call-report' : 'status-update',
      timestamp: new Date().toISOString(),
      call: { id: call.providerCallId, type: 'outbound_phone_call', status },
      phone_number: OWN_NUMBER,
      customer: { number: call.to },
    };
    if (round === 2) {
      Object.assign(message, {
        duration_seconds: 120,
        summary: 'Afspraak gemaakt voor dinsdag 10:00.',
        messages: TRANSCRIPT,
        recording_url: `https://storage.hmsovereign.com/recordings/${call.providerCallId}.ogg`,
        analysis: { structured_data: { appointment_booked: true } },
      });
    }
    return JSON.stringify({ message });
  }

  next() {
    let body;
    const back = Math.min(this.unique, this.recent.length);
    if (back > 50 && this.random() < this.share) {
      body = this.recent[(this.unique - 1 - 50 - Math.floor(this.random() * (back - 50))) % this.recent.length];
      this.duplicates++;
    } else {
      body = this.body(this.unique);
      this.recent[this.unique % this.recent.length] = body;
      this.unique++;
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex')}`;
    return { body, headers: { 'content-type': 'application/json', 'x-webhook-timestamp': timestamp, 'x-webhook-signature': signature, 'x-webhook-event': 'status-update', 'user-assistant': 'HMS-Sovereign/1.0' } };
  }
}

// ---------------------------------------------------------------------------------------
// Load

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function load(origin, path, stream, duration) {
  const latencies = [];
  let duplicateAnswers = 0;
  return new Promise((res, rej) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration,
        requests: [
          {
            setupRequest: (req) => ({ ...req, method: 'POST', path, ...stream.next() }),
            onResponse: (status, body) => {
              if (status === 200 && body.includes('"duplicate":true')) duplicateAnswers++;
            },
          },
        ],
      },
      (err, result) => (err ? rej(err) : res({ result, latencies, duplicateAnswers })),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

async function measureRow(title, origin, path, serverPid, stream) {
  await load(origin, path, stream, warmup);
  const sentBefore = { unique: stream.unique, duplicates: stream.duplicates };
  const pgBefore = await postgresCpu();
  const serverBefore = processCpuMs(serverPid);
  const machineBefore = machineJiffies();
  const loaderBefore = process.cpuUsage();
  const stopSampling = sampleBackends();
  const { result, latencies, duplicateAnswers } = await load(origin, path, stream, seconds);
  const loader = process.cpuUsage(loaderBefore);
  const backends = await stopSampling();
  const machineAfter = machineJiffies();
  const serverMs = processCpuMs(serverPid) - serverBefore;
  const pgCpu = postgresDelta(pgBefore, await postgresCpu());
  const requests = result.requests.total;
  latencies.sort((a, b) => a - b);
  return {
    title,
    requests,
    eventsPerSecond: requests / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed: result.non2xx + result.errors + result.timeouts,
    serverMsPerRequest: serverMs / requests,
    serverCores: serverMs / (result.duration * 1000),
    pgMsPerRequest: (pgCpu.backends + pgCpu.aux) / requests,
    pgBackendMsPerRequest: pgCpu.backends / requests,
    loaderCores: (loader.user + loader.system) / 1000 / (result.duration * 1000),
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    // Cores busy with anything but this benchmark (the machine is shared): machine − server − loader − Postgres.
    otherCores:
      ((machineAfter.busy - machineBefore.busy) * 1000) / CLK_TCK / (result.duration * 1000) -
      serverMs / (result.duration * 1000) -
      (loader.user + loader.system) / 1000 / (result.duration * 1000) -
      (pgCpu.backends + pgCpu.aux) / (result.duration * 1000),
    duplicatesSent: stream.duplicates - sentBefore.duplicates,
    uniqueSent: stream.unique - sentBefore.unique,
    duplicateAnswers,
    backends,
  };
}

// ---------------------------------------------------------------------------------------
// CPU profile (--profile): top self-time functions of the gateway child under the same load

function topSelfTime(profileJson, limit = 20) {
  const { nodes, samples, timeDeltas } = profileJson;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
  const parentOf = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const label = ({ functionName, url, lineNumber }) => {
    const file = url.replace(/^file:\/\//, '').replace(root, '');
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
  };
  /** The innermost gateway frame (dist/src or dist/libs) on the stack: whose synchronous work this sample is. */
  const appFrame = (id) => {
    for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) {
      const { callFrame } = byId.get(cur);
      if (callFrame.url.includes(`${dist}/`)) return label(callFrame);
    }
    return '(no gateway frame on the stack: I/O callbacks, HTTP parsing, GC, idle)';
  };
  const byFunction = new Map();
  const byPackage = new Map();
  const byAppFrame = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const app = appFrame(id);
    byAppFrame.set(app, (byAppFrame.get(app) ?? 0) + us);
    const file = callFrame.url.replace(/^file:\/\//, '').replace(root, '');
    const key = label(callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
      (callFrame.url.includes(`${dist}/`) ? 'switchboard (dist)' : file ? (file.startsWith('node:') ? 'node core' : file) : callFrame.functionName || '(native)');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    total += us;
  }
  const top = (map, n = limit) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  return { functions: top(byFunction), packages: top(byPackage), appFrames: top(byAppFrame, 15) };
}

// ---------------------------------------------------------------------------------------
// Run

let gateway;
let floor;
let cleaning;
const cleanup = () =>
  (cleaning ??= (async () => {
    await floor?.stop();
    await gateway?.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  })());
process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));
try {
  const adminKey = `sk_test_bench${randomBytes(12).toString('hex')}`;
  gateway = start('webhook-ingest-gateway.mjs', { BENCH_DIST: dist, DATABASE_URL: dbUrl, BENCH_ADMIN_KEY: adminKey });
  const { url: gatewayUrl, pid: gatewayPid } = await gateway.next('ready');
  const json = { 'content-type': 'application/json' };
  const api = async (path, init = {}) => {
    const response = await fetch(gatewayUrl + path, { ...init, headers: { authorization: `Bearer ${adminKey}`, ...json, ...(init.headers ?? {}) } });
    const body = await response.json();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  const agent = (await api('/v1/agents')).data[0];
  const connection = (await api('/v1/providers')).data.find((c) => c.provider === 'hmsovereign' && c.origin === 'sandbox');
  const simOrigin = new URL(connection.base_url).origin;
  const sim = async (path, body) => {
    const response = await fetch(`${simOrigin}/__sim/${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`simulator ${path}: ${response.status} ${await response.text()}`);
  };
  // The simulator's own webhooks would land in the measurement: dropped; calls stay ringing.
  await sim('scenario', { webhooks: 'drop', ring_ms: 3_600_000 });
  await sim('config', { rate_limits: false });

  // Real calls to apply the events to, placed through the gateway.
  const setupStarted = Date.now();
  const calls = [];
  let nextCall = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (nextCall < callCount) {
        const i = nextCall++;
        const to = `+1555${String(1_000_000 + i).slice(-7)}`;
        const call = await api('/v1/calls', { method: 'POST', body: JSON.stringify({ to, agent_id: agent.id, provider: 'hmsovereign' }) });
        if (!call.provider_call_id) throw new Error(`call ${call.id} has no provider_call_id (status ${call.status})`);
        calls[i] = { id: call.id, providerCallId: call.provider_call_id, to };
      }
    }),
  );
  const setupSeconds = (Date.now() - setupStarted) / 1000;

  gateway.child.send({ type: 'secret', connectionId: connection.id });
  const { secret } = await gateway.next('secret');
  if (!secret) throw new Error('the HMS Sovereign connection has no webhook secret');

  floor = start('webhook-ingest-floor.mjs', { DATABASE_URL: dbUrl, BENCH_SECRET: secret });
  const { url: floorUrl, pid: floorPid } = await floor.next('ready');
  const path = `/webhooks/hmsovereign/${connection.id}`;

  const rows = [];
  rows.push(await measureRow('floor: node:http + HMAC + one INSERT … ON CONFLICT DO NOTHING', floorUrl, path, floorPid, new WebhookStream(calls, secret, duplicateShare, 1)));
  const gatewayStream = new WebhookStream(calls, secret, duplicateShare, 2);
  rows.push(await measureRow('gateway POST /webhooks/hmsovereign/:connection_id', gatewayUrl, path, gatewayPid, gatewayStream));

  // What the gateway made of it, from the database (warm-up included).
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const states = (await db.query(`SELECT state, count(*)::int AS n FROM inbound_webhooks GROUP BY state ORDER BY state`)).rows;
  const events = (await db.query(`SELECT type, count(*)::int AS n FROM events WHERE type <> 'call.created' GROUP BY type ORDER BY type`)).rows;
  const tables = (
    await db.query(
      `SELECT relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot, n_dead_tup::int AS dead
       FROM pg_stat_user_tables WHERE relname IN ('calls', 'inbound_webhooks', 'events', 'floor_webhooks') ORDER BY relname`,
    )
  ).rows;
  await db.end();

  let profileTop = null;
  if (profile) {
    const file = join(tmpdir(), `switchboard-ingest-${dbName}.cpuprofile`);
    gateway.child.send({ type: 'profile-start' });
    await gateway.next('profiling');
    const profiled = await load(gatewayUrl, path, gatewayStream, seconds);
    gateway.child.send({ type: 'profile-stop', path: file });
    await gateway.next('profiled');
    profileTop = { file, requests: profiled.result.requests.total, ...topSelfTime(JSON.parse(readFileSync(file, 'utf8'))) };
  }

  const [floorRow, gatewayRow] = rows;
  const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  console.log(
    `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model?.trim()}), node ${process.version}, PostgreSQL ${pgVersion}` +
      `\n${connections} connections, ${warmup} s warm-up + ${seconds} s measured per row, ${Math.round(duplicateShare * 100)} % duplicates, ${callCount} calls (placed in ${fmt(setupSeconds)} s)\n`,
  );
  console.log('| row | events/s | p50 ms | p99 ms | server CPU ms/req | Postgres CPU ms/req (backends) | non-2xx/errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.title} | ${Math.round(r.eventsPerSecond)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.serverMsPerRequest, 3)} | ${fmt(r.pgMsPerRequest, 3)} (${fmt(r.pgBackendMsPerRequest, 3)}) | ${r.failed} |`);
  }
  console.log('\nPer row: cores busy (server, load generator, Postgres, anything else on the machine), duplicates sent / answered as duplicates');
  for (const r of rows) {
    console.log(
      `  ${r.title.split(' ')[0]}: server ${fmt(r.serverCores, 2)}, loader ${fmt(r.loaderCores, 2)}, postgres ${fmt((r.pgMsPerRequest * r.eventsPerSecond) / 1000, 2)}, other ${fmt(r.otherCores, 2)} (machine ${fmt(100 * r.machineBusy, 0)} % of ${cpus().length}); dups ${r.duplicatesSent}/${r.duplicateAnswers} of ${r.requests}`,
    );
  }
  console.log('\nPostgres client backends of the scratch database, mean count by state over the window (sampled every 100 ms):');
  const share = (map) => Object.entries(map).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ');
  for (const r of rows) console.log(`  ${r.title.split(' ')[0]}: ${share(r.backends.backends)}`);
  console.log(`  holder of the event append lock (gateway row), share of samples: ${share(gatewayRow.backends.appendLockHolder)}`);
  console.log(`\nratio gateway/floor: events/s ${fmt(gatewayRow.eventsPerSecond / floorRow.eventsPerSecond, 3)}, server CPU/req ×${fmt(gatewayRow.serverMsPerRequest / floorRow.serverMsPerRequest, 1)}, Postgres CPU/req ×${fmt(gatewayRow.pgMsPerRequest / floorRow.pgMsPerRequest, 1)}`);
  console.log(`gateway inbound_webhooks by state: ${states.map((s) => `${s.state}=${s.n}`).join(', ')}; events appended: ${events.map((e) => `${e.type}=${e.n}`).join(', ')}`);
  console.log(`row writes (whole run, call placement included): ${tables.map((t) => `${t.relname} ${t.ins} inserted, ${t.upd} updated (${t.hot} HOT), ${t.dead} dead`).join('; ')}`);
  if (gatewayStream.beyondFresh) console.log(`note: ${gatewayStream.beyondFresh} gateway requests (profile pass included) went past the three fresh events per call (raise --calls)`);
  if (profileTop) {
    console.log(`\nCPU profile of the gateway child, ${seconds} s, ${profileTop.requests} requests (${profileTop.file}); top self time:`);
    for (const line of profileTop.functions) console.log(`  ${line}`);
    console.log('by package:');
    for (const line of profileTop.packages) console.log(`  ${line}`);
    console.log('by innermost gateway function on the stack (self time below it, synchronous only):');
    for (const line of profileTop.appFrames) console.log(`  ${line}`);
  }
  if (rows.some((r) => r.failed)) process.exitCode = 1;
} finally {
  await cleanup();
}
