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
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOnce, gatewayApi, profileChild, simulatorControl, startChild } from './lib/children.mjs';
import { frameLabel, packageOf, selfTimeByNode } from './lib/cpu-profile.mjs';
import { openCpuWindow } from './lib/cpu-window.mjs';
import { fmt, percentile, runHeading } from './lib/format.mjs';
import { loadWithLatencies } from './lib/load.mjs';
import { benchOptions, root } from './lib/options.mjs';
import { createScratchDatabase } from './lib/scratch-db.mjs';
import { BENCH_RATE_LIMITS } from './lib/stand.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

const { number, flag, dist, pgServer } = benchOptions();
const { variableMeta } = require(join(dist, 'src/config/config.variables.js'));
const seconds = number('seconds', 10);
const warmup = number('warmup', 3);
const connections = number('connections', 20);
const callCount = number('calls', 1500);
const duplicateShare = number('duplicates', 0.2);
const profile = flag('profile');

// ---------------------------------------------------------------------------------------
// Scratch database

const scratch = await createScratchDatabase(pgServer);
const { name: dbName, url: dbUrl, version: pgVersion, admin } = scratch;

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
    const per = (map) =>
      Object.fromEntries(
        Object.entries(map)
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => [k, n / samples]),
      );
    return { samples, backends: per(counts), appendLockHolder: per(holder) };
  };
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
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': timestamp,
        'x-webhook-signature': signature,
        'x-webhook-event': 'status-update',
        'user-assistant': 'HMS-Sovereign/1.0',
      },
    };
  }
}

// ---------------------------------------------------------------------------------------
// Load

async function load(origin, path, stream, duration) {
  let duplicateAnswers = 0;
  const { result, latencies } = await loadWithLatencies({
    url: origin,
    connections,
    duration,
    setupRequest: (req) => ({ ...req, method: 'POST', path, ...stream.next() }),
    onResponse: (status, body) => {
      if (status === 200 && body.includes('"duplicate":true')) duplicateAnswers++;
    },
  });
  return { result, latencies, duplicateAnswers };
}

async function measureRow(title, origin, path, serverPid, stream) {
  await load(origin, path, stream, warmup);
  const sentBefore = { unique: stream.unique, duplicates: stream.duplicates };
  const closeWindow = await openCpuWindow({ admin, dbName, pids: [serverPid] });
  const stopSampling = sampleBackends();
  const { result, latencies, duplicateAnswers } = await load(origin, path, stream, seconds);
  const cpu = await closeWindow(stopSampling);
  const backends = cpu.between;
  const [serverMs] = cpu.pidMs;
  const windowMs = result.duration * 1000;
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
    serverCores: serverMs / windowMs,
    pgMsPerRequest: cpu.pgMs / requests,
    pgBackendMsPerRequest: cpu.pg.backends / requests,
    loaderCores: cpu.loaderMs / windowMs,
    machineBusy: cpu.machineBusy,
    // Cores busy with anything but this benchmark (the machine is shared): machine − server − loader − Postgres.
    otherCores: (cpu.machineBusyMs - serverMs - cpu.loaderMs - cpu.pgMs) / windowMs,
    duplicatesSent: stream.duplicates - sentBefore.duplicates,
    uniqueSent: stream.unique - sentBefore.unique,
    duplicateAnswers,
    backends,
  };
}

// ---------------------------------------------------------------------------------------
// CPU profile (--profile): top self-time functions of the gateway child under the same load

function topSelfTime(profileJson, limit = 20) {
  const { nodes } = profileJson;
  const { byId, selfUs } = selfTimeByNode(profileJson);
  const parentOf = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const fileOf = (url) => url.replace(/^file:\/\//, '').replace(root, '');
  const label = (callFrame) => frameLabel(callFrame, fileOf(callFrame.url));
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
    const key = label(callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(callFrame, fileOf(callFrame.url), dist);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    total += us;
  }
  const top = (map, n = limit) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  return { functions: top(byFunction), packages: top(byPackage), appFrames: top(byAppFrame, 15) };
}

// ---------------------------------------------------------------------------------------
// Run

let gateway;
let floor;
const cleanup = cleanupOnce(async () => {
  await floor?.stop();
  await gateway?.stop();
  await scratch.drop();
});
try {
  const adminKey = `sk_test_bench${randomBytes(12).toString('hex')}`;
  gateway = startChild('webhook-ingest-gateway.mjs', {
    BENCH_DIST: dist,
    DATABASE_URL: dbUrl,
    BENCH_ADMIN_KEY: adminKey,
  });
  const { url: gatewayUrl, pid: gatewayPid } = await gateway.next('ready');
  const api = gatewayApi(gatewayUrl, adminKey);

  const agent = (await api('/v1/agents')).data[0];
  const connection = (await api('/v1/providers')).data.find(
    (c) => c.provider === 'hmsovereign' && c.origin === 'sandbox',
  );
  // Vendor rate budgets are on by default, and HMS Sovereign's documented limits would refuse
  // most of the setup's creates: the connection raises its own, as bench/lib/stand.mjs does.
  if (variableMeta().has('VENDOR_RATE_BUDGETS'))
    await api(`/v1/providers/${connection.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ rate_limits: BENCH_RATE_LIMITS }),
    });
  const simOrigin = new URL(connection.base_url).origin;
  const sim = simulatorControl(simOrigin);
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
        const call = await api('/v1/calls', {
          method: 'POST',
          body: JSON.stringify({ to, agent_id: agent.id, provider: 'hmsovereign' }),
        });
        if (!call.provider_call_id) throw new Error(`call ${call.id} has no provider_call_id (status ${call.status})`);
        calls[i] = { id: call.id, providerCallId: call.provider_call_id, to };
      }
    }),
  );
  const setupSeconds = (Date.now() - setupStarted) / 1000;

  gateway.child.send({ type: 'secret', connectionId: connection.id });
  const { secret } = await gateway.next('secret');
  if (!secret) throw new Error('the HMS Sovereign connection has no webhook secret');

  floor = startChild('webhook-ingest-floor.mjs', { DATABASE_URL: dbUrl, BENCH_SECRET: secret });
  const { url: floorUrl, pid: floorPid } = await floor.next('ready');
  const path = `/webhooks/hmsovereign/${connection.id}`;

  const rows = [];
  rows.push(
    await measureRow(
      'floor: node:http + HMAC + one INSERT … ON CONFLICT DO NOTHING',
      floorUrl,
      path,
      floorPid,
      new WebhookStream(calls, secret, duplicateShare, 1),
    ),
  );
  const gatewayStream = new WebhookStream(calls, secret, duplicateShare, 2);
  rows.push(
    await measureRow('gateway POST /webhooks/hmsovereign/:connection_id', gatewayUrl, path, gatewayPid, gatewayStream),
  );

  // What the gateway made of it, from the database (warm-up included).
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const states = (
    await db.query(`SELECT state, count(*)::int AS n FROM inbound_webhooks GROUP BY state ORDER BY state`)
  ).rows;
  const events = (
    await db.query(
      `SELECT type, count(*)::int AS n FROM events WHERE type <> 'call.created' GROUP BY type ORDER BY type`,
    )
  ).rows;
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
    const { result: profiled, profile: json } = await profileChild(gateway, file, () =>
      load(gatewayUrl, path, gatewayStream, seconds),
    );
    profileTop = { file, requests: profiled.result.requests.total, ...topSelfTime(json) };
  }

  const [floorRow, gatewayRow] = rows;
  console.log(
    `\n${runHeading(pgVersion)}` +
      `\n${connections} connections, ${warmup} s warm-up + ${seconds} s measured per row, ${Math.round(duplicateShare * 100)} % duplicates, ${callCount} calls (placed in ${fmt(setupSeconds)} s)\n`,
  );
  console.log(
    '| row | events/s | p50 ms | p99 ms | server CPU ms/req | Postgres CPU ms/req (backends) | non-2xx/errors |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.title} | ${Math.round(r.eventsPerSecond)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.serverMsPerRequest, 3)} | ${fmt(r.pgMsPerRequest, 3)} (${fmt(r.pgBackendMsPerRequest, 3)}) | ${r.failed} |`,
    );
  }
  console.log(
    '\nPer row: cores busy (server, load generator, Postgres, anything else on the machine), duplicates sent / answered as duplicates',
  );
  for (const r of rows) {
    console.log(
      `  ${r.title.split(' ')[0]}: server ${fmt(r.serverCores, 2)}, loader ${fmt(r.loaderCores, 2)}, postgres ${fmt((r.pgMsPerRequest * r.eventsPerSecond) / 1000, 2)}, other ${fmt(r.otherCores, 2)} (machine ${fmt(100 * r.machineBusy, 0)} % of ${cpus().length}); dups ${r.duplicatesSent}/${r.duplicateAnswers} of ${r.requests}`,
    );
  }
  console.log(
    '\nPostgres client backends of the scratch database, mean count by state over the window (sampled every 100 ms):',
  );
  const share = (map) =>
    Object.entries(map)
      .map(([k, v]) => `${k} ${fmt(v, 2)}`)
      .join(', ');
  for (const r of rows) console.log(`  ${r.title.split(' ')[0]}: ${share(r.backends.backends)}`);
  console.log(
    `  holder of the event append lock (gateway row), share of samples: ${share(gatewayRow.backends.appendLockHolder)}`,
  );
  console.log(
    `\nratio gateway/floor: events/s ${fmt(gatewayRow.eventsPerSecond / floorRow.eventsPerSecond, 3)}, server CPU/req ×${fmt(gatewayRow.serverMsPerRequest / floorRow.serverMsPerRequest, 1)}, Postgres CPU/req ×${fmt(gatewayRow.pgMsPerRequest / floorRow.pgMsPerRequest, 1)}`,
  );
  console.log(
    `gateway inbound_webhooks by state: ${states.map((s) => `${s.state}=${s.n}`).join(', ')}; events appended: ${events.map((e) => `${e.type}=${e.n}`).join(', ')}`,
  );
  console.log(
    `row writes (whole run, call placement included): ${tables.map((t) => `${t.relname} ${t.ins} inserted, ${t.upd} updated (${t.hot} HOT), ${t.dead} dead`).join('; ')}`,
  );
  if (gatewayStream.beyondFresh)
    console.log(
      `note: ${gatewayStream.beyondFresh} gateway requests (profile pass included) went past the three fresh events per call (raise --calls)`,
    );
  if (profileTop) {
    console.log(
      `\nCPU profile of the gateway child, ${seconds} s, ${profileTop.requests} requests (${profileTop.file}); top self time:`,
    );
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
