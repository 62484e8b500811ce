#!/usr/bin/env node
// The measurement suite (`npm run bench`): every case of the performance table side by side
// in one run, each server in its own process, on real PostgreSQL, with autocannon in a
// process of its own. Writes its results into bench/README.md (the "suite" section).
//
// Rows, in order (each: warm-up, then the measured window; CPU from /proc/<pid>/stat):
//   vendor simulator direct            POST /calls on the Kalem simulator (its own process)
//   bare relay floor                   node:http + undici to that simulator + one pg INSERT
//   bare ledger floor                  the same in a create's order: pg INSERT, relay, pg UPDATE
//   Portkey gateway                    POST /v1/chat/completions relayed to a tiny local upstream
//   Switchboard POST /v1/calls         pinned to the simulator's connection
//   bare SELECT floor                  node:http + one pg SELECT by id of a calls row
//   Switchboard GET /v1/calls/:id      that same finished call
//   bare Fastify floor                 one route answering a small JSON object
//   Switchboard GET /health/live
// then the unloaded added latency (one connection: create through the gateway, and the bare
// ledger floor, against the vendor alone), and SQL statements per create / per read counted on the wire.
//
//   npm run bench [-- --seconds 10 --warmup 3 --connections 50 --unloaded-seconds 5 --counted 100]
//   npm run bench -- --quick            (3 s windows after 1 s warm-up, 20 connections: a smoke run)
//   npm run bench -- --only create,get  these rows only (keys: vendor relay ledger portkey create select
//                                       keyed get fastify live unloaded), printed, never written to bench/README.md
//   npm run bench -- --only create --profile [create,get]
//                                       after the measured rows, a CPU profile of the gateway under that
//                                       row's load (default create): the .cpuprofile's path and its top
//                                       30 frames by self and by inclusive time
//   --no-readme                         print only; BENCH_DIST / --dist another build; BENCH_PG_URL the server
//   --env NAME=value,NAME=value         gateway variables over the bench's own (it runs the gateway at
//                                       LOG_LEVEL=silent; `--env LOG_LEVEL=info` measures the default), printed only
//   --budgets off                       the gateway without its vendor rate budgets (on by default, as deployed:
//                                       every vendor request takes budget; lib/stand.mjs), printed only
//   --gateway-node flag,flag=value      the gateway's Node flags without their dashes (`none`: no flags), in
//                                       place of those `npm start` runs it with (package.json), printed only
// For an A/B of two builds: the same `--only` command with `--dist <build a>` and `--dist <build b>`,
// alternated a few times in one sitting (the machine's load drifts).
//
// The run fails (exit 1) if the simulator's dial count differs from the gateway's 201s in the
// create row, or if any row answered anything but 2xx.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOnce, profileChild, startChild } from './lib/children.mjs';
import { NOT_CPU_FRAMES, frameLabel, profileSummary } from './lib/cpu-profile.mjs';
import { openCpuWindow } from './lib/cpu-window.mjs';
import { processCpuMs } from './lib/proc-cpu.mjs';
import { currentCommit, fmt, runHeading } from './lib/format.mjs';
import { failures, startLoader } from './lib/loader.mjs';
import { benchOptions, launchNodeFlags, nodeFlagsOption, root } from './lib/options.mjs';
import { writeReadmeSection } from './lib/readme-section.mjs';
import { metricSum, simulatorDialCount, startStand } from './lib/stand.mjs';
import { startWireCounter } from './lib/pg-wire-counter.mjs';

const pg = createRequire(import.meta.url)('pg');
const options = benchOptions();
const { number, flag, opt, dist, pgServer } = options;
const quick = flag('quick');
const seconds = number('seconds', quick ? 3 : 10);
const warmup = number('warmup', quick ? 1 : 3);
const connections = number('connections', quick ? 20 : 50);
const unloadedSeconds = number('unloaded-seconds', quick ? 2 : 5);
const counted = number('counted', quick ? 30 : 100);
const ROW_KEYS = [
  'vendor',
  'relay',
  'ledger',
  'portkey',
  'create',
  'keyed',
  'select',
  'get',
  'fastify',
  'live',
  'unloaded',
];
const only = opt('only', null)?.split(',');
const unknown = only?.filter((k) => !ROW_KEYS.includes(k)) ?? [];
if (unknown.length) throw new Error(`--only: no row ${unknown.join(', ')}; the rows are ${ROW_KEYS.join(', ')}`);
const want = (key) => !only || only.includes(key);
const profiled = flag('profile') ? opt('profile', 'create').split(',') : [];
if (profiled.some((k) => !['create', 'get'].includes(k))) throw new Error('--profile takes create and/or get');

const PEER_VERSION = JSON.parse(readFileSync(join(root, 'bench/peer/package.json'), 'utf8')).dependencies[
  '@portkey-ai/gateway'
];
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'canceled', 'cancelled'];

/** A loopback port free right now (bound once, released), for a server that takes only a port. */
function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

/** The peer gateway in bench/peer, installed there on first use; never a dependency of the project. */
function ensurePeer() {
  const installed = join(root, 'bench/peer/node_modules/@portkey-ai/gateway/package.json');
  const version = () => (existsSync(installed) ? JSON.parse(readFileSync(installed, 'utf8')).version : null);
  if (version() !== PEER_VERSION) {
    try {
      console.log(`installing @portkey-ai/gateway ${PEER_VERSION} into bench/peer …`);
      execFileSync(
        'npm',
        ['install', '--prefix', join(root, 'bench/peer'), '--no-audit', '--no-fund', '--ignore-scripts'],
        { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
      );
    } catch (error) {
      // npm's last lines point at its log file; the first error lines say what went wrong.
      const lines = String(error.stderr ?? error.message)
        .split('\n')
        .filter((l) => l.trim() && !/complete log of this run/i.test(l));
      const said =
        lines
          .filter((l) => /^npm (error|ERR!)/.test(l))
          .slice(0, 2)
          .join(' ') ||
        lines[0] ||
        String(error.message);
      // Addresses left out: the reason is written into bench/README.md, which names no registry.
      return {
        available: false,
        reason: `npm install --prefix bench/peer failed: ${said
          .replace(/\b[a-z][\w+.-]*:\/\/\S+/gi, '<address>')
          .replace(/\s+/g, ' ')
          .trim()}`,
      };
    }
  }
  return version() === PEER_VERSION
    ? { available: true, version: PEER_VERSION }
    : { available: false, reason: `bench/peer holds ${version() ?? 'nothing'}, not ${PEER_VERSION}` };
}

/** Polls (bench setup, not a test) until `check` returns a value, or fails after `ms`. */
async function until(what, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const peer = want('portkey') ? ensurePeer() : { available: false, reason: 'not selected (--only)' };
// Creates are left ringing with their webhooks dropped, so no webhook lands in a measured window.
const gatewayEnv = options.gatewayEnv();
const gatewayNodeFlags = nodeFlagsOption(opt('gateway-node', null));
const vendorBudgets = opt('budgets', 'on');
const stand = await startStand({
  vendorBudgets,
  dist,
  pgServer,
  scenario: { webhooks: 'drop', ring_ms: 3_600_000 },
  gatewayEnv,
  gatewayNodeFlags,
});
const { scratch, gateway, headers, kalem, createBody } = stand;
const children = [];
const cleanup = cleanupOnce(async () => {
  for (const c of children.reverse()) await c.stop();
  await stand.stop();
});

try {
  const loader = await startLoader();
  children.push(loader);
  const start = async (script, env) => {
    const child = startChild(script, env, []);
    children.push(child);
    return child.next('ready');
  };

  // The finished call both read rows fetch: one number the simulator completes at once, its webhooks coming back.
  const FINISHED_TO = '+15550009999';
  await stand.sim('scenario', { to: FINISHED_TO, outcome: 'completed', ring_ms: 0, talk_ms: 0, webhooks: 'normal' });
  const finished = await gateway.api('/v1/calls', {
    method: 'POST',
    body: JSON.stringify({ ...createBody, to: FINISHED_TO }),
  });
  const finishedCall = await until("the read rows' call to finish", async () => {
    const call = await gateway.api(`/v1/calls/${finished.id}`);
    return TERMINAL.includes(call.status) ? call : null;
  });

  const vendorBody = {
    to_number: '+15550001111',
    agent_id: Number(kalem.sampleAgentId),
    number_id: Number(kalem.defaults.number_id),
    trunk_id: Number(kalem.defaults.trunk_id),
  };
  const vendorHeaders = {
    'content-type': 'application/json',
    accept: 'application/json',
    authorization: `Bearer ${kalem.apiKey}`,
  };
  const vendorUrl = new URL(`${kalem.baseUrl}/calls`);
  // Only the floors of the selected rows are started.
  const relayFloor = (kind) =>
    start('suite-floors.mjs', {
      BENCH_FLOOR: kind,
      DATABASE_URL: scratch.url,
      BENCH_VENDOR_URL: vendorUrl.href,
      BENCH_VENDOR_KEY: kalem.apiKey,
    });
  const relay = want('relay') ? await relayFloor('relay') : null;
  const ledger = want('ledger') || want('unloaded') ? await relayFloor('ledger') : null;
  const select = want('select')
    ? await start('suite-floors.mjs', { BENCH_FLOOR: 'select', DATABASE_URL: scratch.url })
    : null;
  const fastify = want('fastify') ? await start('suite-floors.mjs', { BENCH_FLOOR: 'fastify' }) : null;
  let portkey = null;
  let upstream = null;
  if (peer.available) {
    try {
      upstream = await start('suite-upstream.mjs', {});
      portkey = await start('peer-portkey.mjs', { BENCH_PEER_PORT: String(await freePort()) });
    } catch (error) {
      Object.assign(peer, { available: false, reason: `did not start: ${error.message}` });
    }
  }

  const createRow = {
    key: 'create',
    title: 'Switchboard POST /v1/calls (pinned to the simulator)',
    url: gateway.url,
    method: 'POST',
    paths: ['/v1/calls'],
    headers,
    body: createBody,
    varyTo: true,
    server: ['gateway', gateway.pid],
    also: [['vendor', kalem.pid]],
    db: true,
    fresh: true,
    dialCheck: true,
  };
  /** What the loader sends for a row. */
  const requestOf = (row) => ({
    url: row.url,
    method: row.method,
    paths: row.paths,
    headers: row.headers,
    body: row.body,
    varyTo: row.varyTo,
    idempotencyKeys: row.idempotencyKeys,
  });
  const rows = [
    {
      key: 'vendor',
      title: 'vendor simulator direct (Kalem, POST /calls)',
      url: kalem.origin,
      method: 'POST',
      paths: [vendorUrl.pathname],
      headers: vendorHeaders,
      body: vendorBody,
      server: ['simulator', kalem.pid],
      fresh: true,
    },
    {
      key: 'relay',
      title: 'bare relay floor: node:http + undici + one pg INSERT',
      url: relay?.url,
      method: 'POST',
      paths: ['/'],
      headers: vendorHeaders,
      body: vendorBody,
      server: ['floor', relay?.pid],
      also: [['vendor', kalem.pid]],
      db: true,
      fresh: true,
    },
    {
      key: 'ledger',
      title: "bare ledger floor: a create's order, pg INSERT, relay, pg UPDATE",
      url: ledger?.url,
      method: 'POST',
      paths: ['/'],
      headers: vendorHeaders,
      body: vendorBody,
      server: ['floor', ledger?.pid],
      also: [['vendor', kalem.pid]],
      db: true,
      fresh: true,
    },
    peer.available
      ? {
          key: 'portkey',
          title: `Portkey gateway ${PEER_VERSION}: chat completion to a local upstream`,
          url: portkey.url,
          method: 'POST',
          paths: ['/v1/chat/completions'],
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer sk-bench-upstream',
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': `${upstream.url}/v1`,
          },
          body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] },
          server: ['portkey', portkey.pid],
          also: [['upstream', upstream.pid]],
        }
      : { key: 'portkey', title: `Portkey gateway ${PEER_VERSION}`, unavailable: peer.reason },
    createRow,
    {
      ...createRow,
      key: 'keyed',
      title: 'Switchboard POST /v1/calls with an Idempotency-Key (a new one per create)',
      idempotencyKeys: true,
    },
    {
      key: 'select',
      title: 'bare SELECT floor: node:http + one pg SELECT by id',
      url: select?.url,
      paths: [`/${finishedCall.id}`],
      server: ['floor', select?.pid],
      db: true,
    },
    {
      key: 'get',
      title: 'Switchboard GET /v1/calls/:id (finished call)',
      url: gateway.url,
      paths: [`/v1/calls/${finishedCall.id}`],
      headers,
      server: ['gateway', gateway.pid],
      db: true,
    },
    {
      key: 'fastify',
      title: 'bare Fastify route floor',
      url: fastify?.url,
      paths: ['/'],
      server: ['floor', fastify?.pid],
    },
    {
      key: 'live',
      title: 'Switchboard GET /health/live',
      url: gateway.url,
      paths: ['/health/live'],
      server: ['gateway', gateway.pid],
    },
  ];

  /**
   * The exact check: `amount` creates (every one answered, none dropped at a deadline) on a
   * fresh simulator; its dial count must equal the 201s autocannon got and the 201s the
   * gateway's /metrics counted.
   */
  async function dialCheck(amount) {
    await stand.resetSimulator();
    const before = await created201();
    const result = await loader.run({ ...requestOf(createRow), connections, amount });
    return {
      amount,
      loader201: result.statuses[201] ?? 0,
      gateway201: (await created201()) - before,
      dialed: await simulatorDialCount(kalem.origin),
      failed: failures(result),
    };
  }

  const db = new pg.Client({ connectionString: scratch.url, application_name: 'switchboard-bench-counts' });
  await db.connect();
  children.push({ stop: () => db.end() });
  /** Calls the gateway has placed at the vendor (it stores the vendor's call id once dialed). */
  const placedCalls = async () =>
    Number((await db.query('SELECT count(*) FROM calls WHERE provider_call_id IS NOT NULL')).rows[0].count);

  const created201 = async () =>
    metricSum(await stand.metrics(), 'switchboard_http_requests_total', {
      method: 'POST',
      route: '/v1/calls',
      status: '201',
    });

  /** `row`'s requests for `duration` s on `conns` connections (one: sequential, timed by the loader). */
  const loadRow = (row, conns, duration) =>
    (conns === 1 ? loader.sequential : loader.run)({ ...requestOf(row), connections: conns, duration });

  async function measure(row, conns = connections, secs = seconds, warm = warmup) {
    const load = (duration) => loadRow(row, conns, duration);
    // A fresh simulator per vendor-bound row: thousands of live simulated calls would tax the next row.
    if (row.fresh) await stand.resetSimulator();
    const placedBefore = row.dialCheck ? await placedCalls() : 0;
    const warm1 = warm > 0 ? await load(warm) : null;
    // The loader last: its CPU is neither the server's nor the rest of the machine's.
    const pids = [row.server[1], ...(row.also ?? []).map(([, pid]) => pid), loader.pid];
    const close = await openCpuWindow({ admin: scratch.admin, dbName: scratch.name, pids });
    const result = await load(secs);
    const cpu = await close();
    const windowMs = result.seconds * 1000;
    const out = {
      ...row,
      ...result,
      failed: failures(result) + (warm1 ? failures(warm1) : 0),
      serverMs: cpu.pidMs[0] / result.requests,
      alsoMs: (row.also ?? []).map(([name], i) => [name, cpu.pidMs[i + 1] / result.requests]),
      pgMs: cpu.pgMs / result.requests,
      pgAuxMs: cpu.pg.aux / result.requests,
      serverCores: cpu.pidMs[0] / windowMs,
      loaderCores: cpu.pidMs.at(-1) / windowMs,
      // What is left of the machine's busy time: other work on it (this script's own share is small).
      otherCores: (cpu.machineBusyMs - cpu.pidMs.reduce((a, b) => a + b, 0) - cpu.pgMs - cpu.loaderMs) / windowMs,
    };
    if (row.dialCheck) {
      // Creates autocannon dropped at the window's end still complete in the gateway: once its
      // count of placed calls stops moving, every dial it made has been made.
      let last = -1;
      out.placed =
        (await until('the last creates to settle', async () => {
          const now = await placedCalls();
          const settled = now === last;
          last = now;
          if (!settled) await new Promise((r) => setTimeout(r, 500));
          return settled ? now : null;
        })) - placedBefore;
      out.dialed = await simulatorDialCount(kalem.origin);
    }
    return out;
  }

  const measured = [];
  for (const row of rows.filter((r) => want(r.key))) {
    if (row.unavailable) {
      measured.push(row);
      console.log(`${row.title}: not available: ${row.unavailable}`);
      continue;
    }
    const r = await measure(row);
    measured.push(r);
    console.log(
      `${r.title}: ${Math.round(r.rps)} req/s, ${fmt(r.serverMs, 3)} ms CPU/req${r.db ? ` + ${fmt(r.pgMs, 3)} ms Postgres` : ''}, p50 ${fmt(r.p50)} p99 ${fmt(r.p99)} ms, not 2xx ${r.failed}`,
    );
  }

  const check = want('create') ? await dialCheck(Math.max(200, connections * 4)) : null;
  if (check)
    console.log(
      `dial check: ${check.amount} creates, simulator dialed ${check.dialed}, autocannon got ${check.loader201} 201s, the gateway counted ${check.gateway201}`,
    );

  // Unloaded: one request at a time, the vendor alone, then the same create through the gateway.
  const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
  let unloadedVendor = null;
  let unloadedLedger = null;
  let unloadedCreate = null;
  if (want('unloaded')) {
    // Without the loaded create row before it, the create path would still be cold (not yet
    // optimised by V8) for the one-at-a-time requests: a loaded warm-up stands in for that row.
    if (!measured.some((r) => r.key === 'create')) {
      await stand.resetSimulator();
      await loadRow(byKey.create, connections, Math.max(warmup, 3));
    }
    unloadedVendor = await measure(byKey.vendor, 1, unloadedSeconds, 1);
    // The same two committed writes around the same relay with no gateway: what is left of
    // the added latency when every layer is gone (on a host whose idle wake-ups are slow, most).
    unloadedLedger = await measure(byKey.ledger, 1, unloadedSeconds, 1);
    unloadedCreate = await measure(byKey.create, 1, unloadedSeconds, 1);
    console.log(
      `unloaded (1 connection): vendor p50 ${fmt(unloadedVendor.p50, 2)} ms, bare ledger floor p50 ${fmt(unloadedLedger.p50, 2)} ms (${fmt(unloadedLedger.serverMs, 3)} ms CPU/req), gateway create p50 ${fmt(unloadedCreate.p50, 2)} ms (${fmt(unloadedCreate.serverMs, 3)} ms CPU/req + ${fmt(unloadedCreate.pgMs, 3)} ms Postgres)`,
    );
  }

  // CPU profiles, each in a pass of its own after the measured rows: the profiler's own cost
  // stays out of the figures above.
  const profiles = [];
  for (const key of profiled) {
    const row = byKey[key];
    if (row.fresh) await stand.resetSimulator();
    const file = join(tmpdir(), `switchboard-suite-${key}-${scratch.name}.cpuprofile`);
    const cpuBefore = processCpuMs(gateway.pid);
    const { result, profile } = await profileChild(gateway, file, () => loadRow(row, connections, seconds));
    const fileOf = (url) =>
      url
        .replace(/^file:\/\//, '')
        .replace(root, '')
        .replace(/^.*node_modules\//, '');
    const summary = profileSummary(profile, {
      requests: result.requests,
      label: (frame) => frameLabel(frame, fileOf(frame.url)),
    });
    const procMs = (processCpuMs(gateway.pid) - cpuBefore) / result.requests;
    profiles.push({ key, title: row.title, file, requests: result.requests, summary, procMs });
  }

  // SQL statements per request, on the wire: a second gateway on the same database behind the
  // counting proxy, requests one at a time; what it sends while idle is measured and taken off.
  const countStatements = async () => {
    const target = new URL(scratch.url);
    const counter = await startWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
    const countedGateway = await stand.startGateway(
      { DELIVERY_INTERVAL_MS: '600000' },
      Object.assign(new URL(scratch.url), { port: String(counter.port) }).toString(),
    );
    const countWindow = async (fn) => {
      counter.reset();
      const t0 = Date.now();
      await fn();
      return { total: counter.total(), ms: Date.now() - t0, byText: counter.snapshot() };
    };
    await stand.resetSimulator();
    // One request of each first: caches and prepared statements warm, as in the loaded rows.
    await countedGateway.api('/v1/calls', {
      method: 'POST',
      body: JSON.stringify({ ...createBody, to: '+15550002222' }),
    });
    await countedGateway.api(`/v1/calls/${finishedCall.id}`);
    const idle = await countWindow(() => new Promise((r) => setTimeout(r, 2000)));
    const none = { total: NaN, ms: 0, byText: new Map() };
    const creates = want('create')
      ? await countWindow(async () => {
          for (let i = 0; i < counted; i++)
            await countedGateway.api('/v1/calls', {
              method: 'POST',
              body: JSON.stringify({ ...createBody, to: `+1555400${String(1000 + i)}` }),
            });
        })
      : none;
    const keyedCreates = want('keyed')
      ? await countWindow(async () => {
          for (let i = 0; i < counted; i++)
            await countedGateway.api('/v1/calls', {
              method: 'POST',
              headers: { 'idempotency-key': `bench-counted-${i}` },
              body: JSON.stringify({ ...createBody, to: `+1555500${String(1000 + i)}` }),
            });
        })
      : none;
    const reads = want('get')
      ? await countWindow(async () => {
          for (let i = 0; i < counted; i++) await countedGateway.api(`/v1/calls/${finishedCall.id}`);
        })
      : none;
    await countedGateway.stop();
    await counter.close();
    const perRequest = (w) => (w.total - (idle.total * w.ms) / idle.ms) / counted;
    return {
      idlePerSecond: (idle.total * 1000) / idle.ms,
      create: perRequest(creates),
      get: perRequest(reads),
      keyed: perRequest(keyedCreates),
      keyedTexts: keyedCreates.byText,
      createTexts: creates.byText,
      getTexts: reads.byText,
    };
  };
  const statements = want('create') || want('keyed') || want('get') ? await countStatements() : null;

  // ---------------------------------------------------------------------------------------
  // Report
  const dialsMatch =
    !check || (check.dialed === check.loader201 && check.dialed === check.gateway201 && check.failed === 0);
  const m = Object.fromEntries(measured.map((r) => [r.key, r]));
  const commit = currentCommit();
  const available = (r) => r && !r.unavailable;
  const ratio = (a, b) => (available(a) && available(b) ? a / b : NaN);
  /** A line of the checks table when every row it needs was measured (`--only` leaves some out). */
  const when = (ok, line) => (ok ? [line] : []);
  const cpuCell = (r) =>
    r.unavailable
      ? ''
      : `${fmt(r.serverMs, 3)}${r.alsoMs?.length ? ` (${r.alsoMs.map(([n, ms]) => `${n} ${fmt(ms, 3)}`).join(', ')})` : ''}`;
  const byStatement = (texts) =>
    [...texts]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([text, n]) =>
          `- ${fmt(n / counted, 2)}× \`${text.slice(0, 140).replace(/`/g, "'")}${text.length > 140 ? ' …' : ''}\``,
      );
  const lines = [
    `### Suite figures (${runHeading(scratch.version, commit)}, Portkey ${peer.available ? PEER_VERSION : 'not available'})`,
    '',
    `\`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`: ${connections} connections, ${warmup} s warm-up then ${seconds} s measured per row, one run, every server in its own process, autocannon in another, the gateway started with the Node flags ${(gatewayNodeFlags ?? launchNodeFlags()).join(' ') || '(none)'}. The machine was shared with other jobs (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end): read the ratios, not the absolute numbers.`,
    '',
    '| case | req/s | server CPU ms/req (others in brackets) | Postgres CPU ms/req (of which WAL writer, checkpointer, bgwriter) | p50 ms | p99 ms | not 2xx | autocannon, cores | other load, cores |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...measured.map((r) =>
      r.unavailable
        ? `| ${r.title} | not available: ${r.unavailable} | | | | | | | |`
        : `| ${r.title} | ${Math.round(r.rps)} | ${cpuCell(r)} | ${r.db ? `${fmt(r.pgMs, 3)} (writers ${fmt(r.pgAuxMs, 3)})` : '–'} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.failed} | ${fmt(r.loaderCores, 2)} | ${fmt(r.otherCores, 2)} |`,
    ),
    '',
    '| check against the targets | this run | target |',
    '|---|---:|---|',
    ...when(m.create, `| create: gateway CPU per call | ${fmt(m.create?.serverMs, 2)} ms | ≤ 0.6 ms |`),
    ...when(m.create, `| create: Postgres CPU per call | ${fmt(m.create?.pgMs, 2)} ms | ≤ 0.6 ms |`),
    ...when(
      statements && want('create'),
      `| create: SQL statements per call (wire count, ${counted} sequential creates) | ${fmt(statements?.create, 1)} | ≤ 4 |`,
    ),
    ...when(
      available(m.create) && available(m.portkey),
      `| create: throughput / Portkey's | ${fmt(ratio(m.create?.rps, m.portkey?.rps), 2)}× | ≥ 1.5× |`,
    ),
    ...when(
      available(m.create) && available(m.portkey),
      `| create: gateway CPU / Portkey's | ${fmt(ratio(m.create?.serverMs, m.portkey?.serverMs), 2)}× | |`,
    ),
    ...when(m.keyed, `| keyed create: gateway CPU per call | ${fmt(m.keyed?.serverMs, 2)} ms | |`),
    ...when(m.keyed, `| keyed create: Postgres CPU per call | ${fmt(m.keyed?.pgMs, 2)} ms | |`),
    ...when(
      statements && want('keyed'),
      `| keyed create: SQL statements per call (wire count, ${counted} sequential creates) | ${fmt(statements?.keyed, 1)} | |`,
    ),
    ...when(
      m.create && m.relay,
      `| create: gateway CPU / bare relay floor's | ${fmt(ratio(m.create?.serverMs, m.relay?.serverMs), 1)}× | |`,
    ),
    ...when(
      m.create && m.ledger,
      `| create: gateway CPU / bare ledger floor's | ${fmt(ratio(m.create?.serverMs, m.ledger?.serverMs), 1)}× | |`,
    ),
    ...when(
      m.create && m.ledger,
      `| create: Postgres CPU / bare ledger floor's (${fmt(m.ledger?.pgMs, 2)} ms) | ${fmt(ratio(m.create?.pgMs, m.ledger?.pgMs), 1)}× | |`,
    ),
    ...when(
      m.get && m.select,
      `| GET /v1/calls/:id: req/s / bare SELECT floor's | ${fmt(100 * ratio(m.get?.rps, m.select?.rps), 0)} % | ≥ 50 % |`,
    ),
    ...when(statements && want('get'), `| GET /v1/calls/:id: SQL statements per read | ${fmt(statements?.get, 1)} | |`),
    ...when(
      m.live && m.fastify,
      `| GET /health/live: req/s / bare Fastify's | ${fmt(100 * ratio(m.live?.rps, m.fastify?.rps), 0)} % | |`,
    ),
    ...when(
      unloadedCreate,
      `| unloaded added latency (1 connection, p50 create − p50 vendor alone) | ${fmt(unloadedCreate?.p50 - unloadedVendor?.p50, 2)} ms (${fmt(unloadedCreate?.p50, 2)} − ${fmt(unloadedVendor?.p50, 2)}) | ≤ 1.5 ms |`,
    ),
    ...when(
      unloadedLedger,
      `| … the bare ledger floor's own (p50 floor − p50 vendor alone) | ${fmt(unloadedLedger?.p50 - unloadedVendor?.p50, 2)} ms (${fmt(unloadedLedger?.p50, 2)} − ${fmt(unloadedVendor?.p50, 2)}) | |`,
    ),
    ...when(
      check,
      `| dial check: ${check?.amount} creates, every one answered: simulator dials = 201s autocannon got = 201s in the gateway's /metrics | ${check?.dialed} = ${check?.loader201} = ${check?.gateway201} ${dialsMatch ? '(equal)' : '**(DIFFERENT)**'} | equal |`,
    ),
    ...when(
      m.create,
      `| create row: simulator dials = calls the gateway placed (provider_call_id set; includes the creates autocannon dropped at the window's end) | ${m.create?.dialed} = ${m.create?.placed} ${m.create?.dialed === m.create?.placed ? '(equal)' : '**(DIFFERENT)**'} | equal |`,
    ),
    ...when(
      m.keyed,
      `| keyed create row: simulator dials = calls the gateway placed | ${m.keyed?.dialed} = ${m.keyed?.placed} ${m.keyed?.dialed === m.keyed?.placed ? '(equal)' : '**(DIFFERENT)**'} | equal |`,
    ),
    ...(statements && want('keyed')
      ? [
          '',
          `SQL per keyed create, by statement (${counted} creates, each with its own Idempotency-Key):`,
          '',
          ...byStatement(statements.keyedTexts),
        ]
      : []),
    ...(statements && want('create')
      ? [
          '',
          `SQL per create, by statement (${counted} creates; the idle gateway sent ${fmt(statements.idlePerSecond, 1)} statements/s, taken off the total):`,
          '',
          ...byStatement(statements.createTexts),
        ]
      : []),
  ];
  const md = lines.join('\n');
  console.log(`\n${md}\n`);
  // Printed only: the README's section keeps the figures of whole runs.
  if (statements && want('get'))
    console.log(['SQL per GET /v1/calls/:id, by statement:', ...byStatement(statements.getTexts), ''].join('\n'));
  for (const p of profiles) {
    const s = p.summary;
    const rowsOf = (list) =>
      list.map((f) => `  ${fmt(f.msPerRequest, 3).padStart(7)} ms  ${fmt(100 * f.share, 1).padStart(5)} %  ${f.key}`);
    console.log(
      [
        `CPU profile of the gateway under the ${p.key} row's load (${seconds} s, ${p.requests} requests, not the measured window): ${p.file}`,
        `  gateway CPU over the pass from /proc (profiler included): ${fmt(p.procMs, 3)} ms per request; sampled ${fmt(s.countedMsPerRequest, 3)} ms per request, after leaving out ${fmt(s.excludedMsPerRequest, 3)} ms in ${[...NOT_CPU_FRAMES].join(', ')} or under the profiler's own session (waiting, not CPU: lib/cpu-profile.mjs)`,
        `top ${s.self.length} by self time (ms per request, share of the sampled time):`,
        ...rowsOf(s.self),
        `top ${s.inclusive.length} by inclusive time:`,
        ...rowsOf(s.inclusive),
        '',
      ].join('\n'),
    );
  }
  if (only) console.log(`--only ${only.join(',')}: printed only; bench/README.md keeps the last full run`);
  else if (Object.keys(gatewayEnv).length || gatewayNodeFlags || vendorBudgets !== 'on')
    console.log('--env / --gateway-node / --budgets: printed only; bench/README.md keeps the last full run');
  else if (!flag('no-readme')) writeReadmeSection('suite', md);
  const bad = measured.filter((r) => !r.unavailable && r.failed);
  if (
    !dialsMatch ||
    (m.create && m.create.dialed !== m.create.placed) ||
    (m.keyed && m.keyed.dialed !== m.keyed.placed)
  ) {
    console.error(
      `FAILED: dial check: the simulator dialed ${check?.dialed} for ${check?.loader201} 201s (gateway counted ${check?.gateway201}, ${check?.failed} not 2xx); create row: ${m.create?.dialed} dials for ${m.create?.placed} placed calls; keyed row: ${m.keyed?.dialed} for ${m.keyed?.placed}`,
    );
    process.exitCode = 1;
  }
  if (bad.length) {
    console.error(
      `FAILED: not 2xx in ${bad.map((r) => `${r.key} (${r.failed}: ${JSON.stringify(r.examples).slice(0, 300)})`).join('; ')}`,
    );
    process.exitCode = 1;
  }
  if (unloadedCreate?.failed || unloadedVendor?.failed || unloadedLedger?.failed) process.exitCode = 1;
} finally {
  await cleanup();
}
