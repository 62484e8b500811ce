#!/usr/bin/env node
// Outbound webhook delivery on real PostgreSQL, next to a bare floor measured in the same run.
// Loopback only: the consumer is a node:http server in this process that verifies every
// delivery with the standardwebhooks package.
//   - backlog: N events are appended with no endpoint, then one endpoint replays them all:
//     deliveries per second and gateway CPU per delivery (claim, sign, POST, record);
//   - floor: a child that signs the same bodies with standardwebhooks and POSTs them over a
//     keep-alive node:http agent, as many at a time as the gateway's DELIVERY_CONCURRENCY;
//   - live: events appended one per transaction at a steady rate while an endpoint is
//     subscribed: event-to-consumer latency (consumer arrival − the event's created_at).
// CPU is utime + stime from /proc/<child pid>/stat before and after each window.
//
//   npm run bench:delivery [-- --events 3000 --rate 100 --seconds 10 --concurrency 16 --interval 250]
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres   (the server the scratch database is created on)
//   BENCH_DIST=dist                                              (or --dist <folder>)
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { gatewayApi, startChild } from './lib/children.mjs';
import { fmt, percentile, runHeading } from './lib/format.mjs';
import { benchOptions } from './lib/options.mjs';
import { processCpuMs } from './lib/proc-cpu.mjs';
import { createScratchDatabase } from './lib/scratch-db.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { Webhook } = require('standardwebhooks');

const { number, dist, pgServer } = benchOptions();
const backlogEvents = number('events', 3000);
const liveRate = number('rate', 100);
const liveSeconds = number('seconds', 10);
const concurrency = number('concurrency', 16);
const interval = number('interval', 250);

// The consumer: verifies every request, records arrival per path.
const secrets = new Map();
const arrivals = new Map();
let badSignatures = 0;
const consumer = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = Date.now();
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      new Webhook(secrets.get(req.url)).verify(raw, req.headers);
    } catch {
      badSignatures++;
    }
    const list = arrivals.get(req.url) ?? [];
    list.push({ at, raw });
    arrivals.set(req.url, list);
    res.writeHead(200).end('ok');
  });
});
await new Promise((r) => consumer.listen(0, '127.0.0.1', r));
const consumerUrl = `http://127.0.0.1:${consumer.address().port}`;
const waitFor = async (path, count, timeoutMs = 300_000) => {
  const deadline = Date.now() + timeoutMs;
  while ((arrivals.get(path)?.length ?? 0) < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${arrivals.get(path)?.length ?? 0} of ${count} deliveries at ${path}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const scratch = await createScratchDatabase(pgServer);
const { url: dbUrl, version: pgVersion, admin } = scratch;
const adminKey = `sk_test_${randomBytes(16).toString('hex')}`;
let gateway;
let floor;
try {
  gateway = startChild('delivery-gateway.mjs', {
    BENCH_DIST: dist,
    DATABASE_URL: dbUrl,
    BENCH_ADMIN_KEY: adminKey,
    DELIVERY_CONCURRENCY: String(concurrency),
    DELIVERY_INTERVAL_MS: String(interval),
  });
  const { url, pid } = await gateway.next('ready');
  const call = gatewayApi(url, adminKey);
  const api = (method, path, body) => call(path, { method, body: body && JSON.stringify(body) });
  const endpoint = async (path) => {
    const created = await api('POST', '/v1/webhook-endpoints', { url: consumerUrl + path });
    secrets.set(path, created.secret);
    return created;
  };

  // Backlog: append with nobody subscribed, then replay them all to one endpoint.
  gateway.child.send({ type: 'append', count: backlogEvents });
  await gateway.next('appended');
  const backlog = await endpoint('/backlog');
  let cpuBefore = processCpuMs(pid);
  let t0 = performance.now();
  await api('POST', `/v1/webhook-endpoints/${backlog.id}/replay`, { after_sequence: 0 });
  await waitFor('/backlog', backlogEvents);
  const backlogSeconds = (performance.now() - t0) / 1000;
  const backlogCpu = processCpuMs(pid) - cpuBefore;
  await api('PATCH', `/v1/webhook-endpoints/${backlog.id}`, { enabled: false });

  // Floor: the same bodies, signed and posted by a bare loop.
  floor = startChild('delivery-floor.mjs', {});
  const { pid: floorPid } = await floor.next('ready');
  secrets.set('/floor', backlog.secret);
  const bodies = arrivals.get('/backlog').map((a) => a.raw);
  cpuBefore = processCpuMs(floorPid);
  t0 = performance.now();
  floor.child.send({ type: 'run', url: `${consumerUrl}/floor`, bodies, concurrency, secret: backlog.secret });
  const { latencies: floorLatencies } = await floor.next('done');
  const floorSeconds = (performance.now() - t0) / 1000;
  const floorCpu = processCpuMs(floorPid) - cpuBefore;
  floorLatencies.sort((a, b) => a - b);

  // Live: a steady stream of appends, one event per transaction, with an endpoint subscribed.
  await endpoint('/live');
  const liveEvents = liveRate * liveSeconds;
  cpuBefore = processCpuMs(pid);
  gateway.child.send({ type: 'append', count: liveEvents, perSecond: liveRate });
  await gateway.next('appended');
  await waitFor('/live', liveEvents);
  const liveCpu = processCpuMs(pid) - cpuBefore;
  const liveLatencies = arrivals
    .get('/live')
    .map((a) => a.at - Date.parse(JSON.parse(a.raw).created_at))
    .sort((a, b) => a - b);

  const { rows: states } = await admin.query(`SELECT 1`).then(async () => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      return await c.query(
        'SELECT status, count(*)::int AS n, sum(attempt_count)::int AS attempts FROM deliveries GROUP BY status',
      );
    } finally {
      await c.end();
    }
  });

  console.log(`\n${runHeading(pgVersion)}`);
  console.log(
    `${backlogEvents} backlog events, live ${liveRate}/s for ${liveSeconds} s, DELIVERY_CONCURRENCY ${concurrency}, DELIVERY_INTERVAL_MS ${interval}\n`,
  );
  console.log('| row | deliveries/s | p50 ms | p99 ms | CPU ms/delivery (its process) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| floor: standardwebhooks sign + keep-alive POST, ${concurrency} at a time | ${Math.round(bodies.length / floorSeconds)} | ${fmt(percentile(floorLatencies, 50))} | ${fmt(percentile(floorLatencies, 99))} | ${fmt(floorCpu / bodies.length, 3)} |`,
  );
  console.log(
    `| gateway: backlog of ${backlogEvents} (replay) | ${Math.round(backlogEvents / backlogSeconds)} | | | ${fmt(backlogCpu / backlogEvents, 3)} |`,
  );
  console.log(
    `| gateway: live, ${liveRate} events/s appended, event → consumer | ${Math.round(liveEvents / liveSeconds)} (offered) | ${fmt(percentile(liveLatencies, 50))} | ${fmt(percentile(liveLatencies, 99))} | ${fmt(liveCpu / liveEvents, 3)} (append included) |`,
  );
  console.log(
    `\nfloor p50/p99 is one POST's round trip; live p50/p99 is from the event's created_at (its transaction's start) to arrival at the consumer.`,
  );
  console.log(
    `deliveries by status: ${states.map((s) => `${s.status}=${s.n} (${s.attempts} attempts)`).join(', ')}; bad signatures at the consumer: ${badSignatures}`,
  );
  if (badSignatures) process.exitCode = 1;
} finally {
  await floor?.stop();
  await gateway?.stop();
  consumer.close();
  await scratch.drop();
}
