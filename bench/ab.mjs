// Two builds' create path side by side, in one sitting and under the same conditions: a
// before/after that the host's drift cannot bias. On this shared machine the suite's figures
// for one build move by 10-20 % from one run to the next, more than most single changes, so
// alternating whole runs needs many of them; here both builds are measured at once.
//
//   node bench/ab.mjs --a <build> --b <build> [--rate 150] [--seconds 10] [--rounds 7] [--sequential 1000]
//                     [--one-order]                    measure only as given (by default the whole run
//                                                     is repeated with the builds swapped, and the two
//                                                     orders' ratios combined)
//                     [--env NAME=value,NAME=value]   gateway variables for both builds (default: the
//                                                     stand's, LOG_LEVEL=silent among them)
//                     [--budgets off]                 both gateways without vendor rate budgets (on by
//                                                     default, as deployed: bench/lib/stand.mjs)
//                     [--keyed]                       every create with an Idempotency-Key of its own
//                                                     (the suite's keyed row), loaded and one at a time
//                     [--a-node flag,flag=value]      Node flags of that build's gateway process, without
//                     [--b-node flag,flag=value]      their dashes (max-semi-space-size=64; `none` for
//                                                     none), in place of those `npm start` runs it with
//
// Each build gets its own stand (bench/lib/stand.mjs: a Kalem simulator, a scratch database on
// BENCH_PG_URL, a gateway, each in its own process). Then:
// - `--rounds` windows of `--seconds`, both gateways loaded at once by the same open-loop rate
//   of creates (`--rate` per second each, autocannon's overallRate, in one loader process):
//   each gateway's CPU per 2xx from /proc, and its database's backends' CPU per create (the
//   shared WAL writer, checkpointer and background writer serve both databases, so they are
//   left out). The ratio b/a is taken per round, since both builds saw that round's host.
// - `--sequential` creates one at a time through each, alternated request by request (a, b,
//   a, b, ...) over one keep-alive socket each: p50 latency and the Server-Timing phases.
// Printed only; bench/README.md's change-by-change table takes the figures by hand.
import http from 'node:http';
import { resolve } from 'node:path';
import { failures, startLoader } from './lib/loader.mjs';
import { fmt, percentile } from './lib/format.mjs';
import { benchOptions, nodeFlagsOption, root } from './lib/options.mjs';
import { processCpuMs } from './lib/proc-cpu.mjs';
import { postgresCpu, postgresDelta } from './lib/scratch-db.mjs';
import { startStand } from './lib/stand.mjs';
import { timedRequest } from './lib/timed-request.mjs';

const options = benchOptions();
const { opt, number, flag, pgServer } = options;
const builds = { a: opt('a', null), b: opt('b', null) };
const nodeFlags = (name) => nodeFlagsOption(opt(`${name}-node`, null));
const sidesGiven = { a: { dist: builds.a, node: nodeFlags('a') }, b: { dist: builds.b, node: nodeFlags('b') } };
const sideLabel = ({ dist, node }) => (node ? `${dist} (node ${node.join(' ')})` : dist);
if (!builds.a || !builds.b) {
  console.error('usage: node bench/ab.mjs --a <build> --b <build> (see --help)');
  process.exit(2);
}
const rate = number('rate', 150);
const seconds = number('seconds', 10);
const rounds = number('rounds', 7);
const sequentialCount = number('sequential', 1000);
const keyed = flag('keyed');
const gatewayEnv = options.gatewayEnv();

const median = (values) =>
  percentile(
    [...values].sort((x, y) => x - y),
    50,
  );

const loader = await startLoader();
let orders;
try {
  // Whichever build runs as `b` reads a few % cheaper (bench/README.md, "Two builds at once"),
  // so by default the whole measurement runs twice, the builds swapped, and the two orders'
  // ratios are combined: each order's bias cancels the other's.
  orders = [await measure(sidesGiven)];
  if (!flag('one-order')) orders.push(await measure({ a: sidesGiven.b, b: sidesGiven.a }));
} finally {
  await loader.stop();
}
for (const [i, order] of orders.entries()) report(order, i === 0 ? 'as given' : 'swapped');
if (orders.length === 2) {
  const [given, swapped] = orders;
  // In the swapped run the given `b` ran as `a`: its ratio inverted is again b/a.
  const both = (key) => Math.sqrt(given.ratios[key] / swapped.ratios[key]);
  console.log(
    `\n**Both orders** (geometric mean of the given b/a and the swapped run's a/b): b/a gateway CPU ${fmt(both('gateway'), 3)}, ` +
      `Postgres ${fmt(both('pg'), 3)}, one at a time p50 ${fmt(both('total'), 3)}.`,
  );
}
process.exit(0);

/** One sitting of both builds: a stand each, the timed rounds, then the one-at-a-time creates. */
async function measure(sides) {
  const stands = {};
  try {
    for (const name of ['a', 'b'])
      stands[name] = await startStand({
        dist: resolve(root, sides[name].dist),
        gatewayNodeFlags: sides[name].node,
        vendorBudgets: opt('budgets', 'on'),
        pgServer,
        scenario: { webhooks: 'drop', ring_ms: 3_600_000 },
        gatewayEnv,
      });
    const load = (name, duration) => {
      const s = stands[name];
      return loader.run({
        url: s.gateway.url,
        method: 'POST',
        paths: ['/v1/calls'],
        headers: s.headers,
        body: s.createBody,
        varyTo: true,
        idempotencyKeys: keyed,
        connections: 10,
        duration,
        overallRate: rate,
      });
    };
    // Started in turn order, so neither build's load always starts first.
    const both = async (duration, first = 'a') => {
      const runs =
        first === 'a'
          ? [load('a', duration), load('b', duration)]
          : [load('b', duration), load('a', duration)].reverse();
      return Promise.all(runs);
    };

    await both(3); // warm-up: the create path compiled and the pools filled in both
    const perRound = [];
    for (let round = 1; round <= rounds; round++) {
      // Readings alternate in order, so neither build is always read first.
      const order = round % 2 ? ['a', 'b'] : ['b', 'a'];
      const before = {};
      for (const name of order)
        before[name] = {
          gateway: processCpuMs(stands[name].gateway.pid),
          pg: await postgresCpu(stands[name].scratch.admin, stands[name].scratch.name),
        };
      const [ra, rb] = await both(seconds, order[0]);
      const results = { a: ra, b: rb };
      const row = { round };
      for (const name of [...order].reverse()) {
        const s = stands[name];
        const ok = results[name].requests - failures(results[name]);
        const pg = postgresDelta(before[name].pg, await postgresCpu(s.scratch.admin, s.scratch.name));
        row[name] = {
          ok,
          failed: failures(results[name]),
          gatewayMs: (processCpuMs(s.gateway.pid) - before[name].gateway) / ok,
          pgMs: pg.backends / ok,
        };
      }
      perRound.push(row);
      console.log(
        `round ${round}: gateway ${fmt(row.a.gatewayMs, 3)} / ${fmt(row.b.gatewayMs, 3)} ms per create (b/a ${fmt(row.b.gatewayMs / row.a.gatewayMs, 3)}), Postgres backends ${fmt(row.a.pgMs, 3)} / ${fmt(row.b.pgMs, 3)} ms; ${row.a.ok} and ${row.b.ok} created, ${row.a.failed + row.b.failed} failed`,
      );
    }
    const sequential = await alternated(stands, sequentialCount);
    return {
      sides,
      perRound,
      sequential,
      ratios: {
        gateway: median(perRound.map((r) => r.b.gatewayMs / r.a.gatewayMs)),
        pg: median(perRound.map((r) => r.b.pgMs / r.a.pgMs)),
        total: sequential.b.total / sequential.a.total,
      },
    };
  } finally {
    for (const s of Object.values(stands)) await s.stop();
  }
}

function report({ sides, perRound, sequential, ratios }, label) {
  console.log(
    `\n### A/B, ${label} (\`node bench/ab.mjs ${process.argv.slice(2).join(' ')}\`)\n\n` +
      `a = ${sideLabel(sides.a)}, b = ${sideLabel(sides.b)}; ${rate} creates/s into each at once, ${rounds} windows of ${seconds} s; then ${sequentialCount} creates one at a time through each, alternated${keyed ? '; every create with an Idempotency-Key of its own' : ''}.\n`,
  );
  console.log('| | a | b | b / a |');
  console.log('|---|---:|---:|---:|');
  const line = (label, a, b, ratio, d = 3) =>
    console.log(`| ${label} | ${fmt(a, d)} | ${fmt(b, d)} | ${fmt(ratio, 3)} |`);
  line(
    'gateway CPU ms per create (median of rounds; ratio: median of per-round ratios)',
    median(perRound.map((r) => r.a.gatewayMs)),
    median(perRound.map((r) => r.b.gatewayMs)),
    ratios.gateway,
  );
  line(
    'Postgres backends CPU ms per create',
    median(perRound.map((r) => r.a.pgMs)),
    median(perRound.map((r) => r.b.pgMs)),
    ratios.pg,
  );
  for (const [label, key] of [
    ['one at a time: p50 ms', 'total'],
    ['… Server-Timing gateway p50', 'gateway'],
    ['… db p50', 'db'],
    ['… vendor p50', 'vendor'],
  ])
    line(label, sequential.a[key], sequential.b[key], sequential.b[key] / sequential.a[key], 2);
  console.log(
    `\nper-round b/a gateway: ${perRound.map((r) => fmt(r.b.gatewayMs / r.a.gatewayMs, 3)).join(' / ')}; Postgres: ${perRound.map((r) => fmt(r.b.pgMs / r.a.pgMs, 3)).join(' / ')}`,
  );
}

/** `count` creates through each build, one request at a time, alternating between them. */
async function alternated(stands, count) {
  const agents = {
    a: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    b: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  };
  const samples = { a: [], b: [] };
  let n = 0;
  for (let i = 0; i < count + 100; i++)
    for (const name of i % 2 ? ['b', 'a'] : ['a', 'b']) {
      const r = await create(stands[name], agents[name], `+1556${String(1_000_000 + n++).slice(-7)}`);
      if (r.status !== 201) throw new Error(`${name}: create answered ${r.status}`);
      if (i >= 100) samples[name].push(r); // the first hundred warm the single sockets
    }
  for (const agent of Object.values(agents)) agent.destroy();
  const summary = (list) => {
    const phases = list.map((r) => r.timing);
    return {
      total: median(list.map((r) => r.ms)),
      gateway: median(phases.map((p) => p.gateway)),
      db: median(phases.map((p) => p.db)),
      vendor: median(phases.map((p) => p.vendor)),
    };
  };
  return { a: summary(samples.a), b: summary(samples.b) };
}

async function create(stand, agent, to) {
  const r = await timedRequest(new URL('/v1/calls', stand.gateway.url), {
    method: 'POST',
    // The callee is new each time: a key of its own follows from it.
    headers: keyed ? { ...stand.headers, 'idempotency-key': `ab-${to}-${process.pid}` } : stand.headers,
    body: JSON.stringify({ ...stand.createBody, to }),
    agent,
  });
  return { status: r.status, ms: r.ms, timing: serverTiming(r.headers['server-timing']) };
}

/** `gateway;dur=1.2, db;dur=0.8, vendor;dur=0.4` → { gateway: 1.2, db: 0.8, vendor: 0.4 } */
function serverTiming(header = '') {
  return Object.fromEntries(
    header
      .split(',')
      .map((part) => /^\s*(\w+);dur=([\d.]+)/.exec(part))
      .filter(Boolean)
      .map((m) => [m[1], Number(m[2])]),
  );
}
