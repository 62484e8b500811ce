#!/usr/bin/env node
// A soak at moderate load on real PostgreSQL. Creates through POST /v1/calls at a steady rate
// (the Kalem simulator in its own process, each call completing in about a second with its
// webhooks coming back to the gateway), reads at a steady rate (GET /v1/calls/:id, list pages,
// the event log), and the delivery path consumed the whole time: one webhook endpoint (a
// node:http consumer in this process) and one SSE client on GET /v1/events/stream.
// Every minute it samples the gateway process: RSS from /proc/<pid>/status and, from its
// /metrics, the V8 heap and that minute's event-loop delay; then it asks the gateway child
// (started with --expose-gc) for a full collection and samples RSS and heap again, the
// GC-settled figures. It draws bench/soak.svg and computes growth after the warm-up as the
// README's soak section defines it (lib/soak-report.mjs), with the verdict against < 10 %.
//
//   npm run bench:soak [-- --minutes 30 --warmup-minutes 5 --window-minutes 5 --rate 20 --read-rate 80]
//   BENCH_DIST=.scratch/soak-dist npm run bench:soak       (a copy of dist, so builds may go on meanwhile)
//   --no-gc       no forced collection: raw figures only
//   --out <dir>   where samples.json goes (default bench/soak-results, gitignored)
//   --report <samples.json>  render a finished run's chart and README section again
//   --svg <file>  default bench/soak.svg; --no-readme leaves bench/README.md alone (the section is in <out>/section.md either way)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, runHeading } from './lib/format.mjs';
import { startLoader } from './lib/loader.mjs';
import { soakReport, soakWindows } from './lib/soak-report.mjs';
import { benchOptions, root } from './lib/options.mjs';
import { processCpuMs } from './lib/proc-cpu.mjs';
import { writeReadmeSection } from './lib/readme-section.mjs';
import { metricSum, startStand } from './lib/stand.mjs';
import { cleanupOnce } from './lib/children.mjs';

const { number, opt, flag, dist, pgServer } = benchOptions();
const minutes = number('minutes', 30);
const warmupMinutes = number('warmup-minutes', Math.min(5, Math.floor(minutes / 3)));
const windowMinutes = number('window-minutes', Math.min(5, Math.floor((minutes - warmupMinutes) / 2)));
const rate = number('rate', 20);
const readRate = number('read-rate', 80);
const sampleSeconds = number('sample-seconds', 60);
const forceGc = !flag('no-gc');
const outDir = resolve(root, opt('out', 'bench/soak-results'));
const svgFile = resolve(root, opt('svg', 'bench/soak.svg'));
mkdirSync(outDir, { recursive: true });

// --report <samples.json>: render a finished run's chart and section again, without running.
const reportFrom = opt('report', null);
if (reportFrom) {
  const saved = JSON.parse(readFileSync(resolve(root, reportFrom), 'utf8'));
  const { md, svg } = soakReport({ ...saved, svgFile, benchDir: join(root, 'bench') });
  writeFileSync(svgFile, svg);
  writeFileSync(join(outDir, 'section.md'), `${md}\n`);
  if (!flag('no-readme')) writeReadmeSection('soak', md);
  console.log(md);
  process.exit(0);
}

const windows = soakWindows({ minutes, warmupMinutes, windowMinutes });
if (!(windows.early.to <= windows.late.from))
  throw new Error(`--minutes ${minutes} leaves no room for two ${windowMinutes}-minute windows after the warm-up`);

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/**
 * prom-client's event-loop figures are the intervals between ticks of a 10 ms timer
 * (monitorEventLoopDelay), so an idle loop reads 10 ms: the delay is what lies beyond that.
 */
const LOOP_RESOLUTION_MS = 10;
const loopMs = (m, stat) =>
  Math.max(0, metricSum(m, `switchboard_nodejs_eventloop_lag_${stat}_seconds`) * 1000 - LOOP_RESOLUTION_MS);

/** Requests the gateway answered so far, by kind, from its request counter. */
const answered = (m) => {
  const out = { creates: 0, reads: 0, ingested: 0 };
  for (const s of m) {
    if (s.name !== 'switchboard_http_requests_total') continue;
    const { method, route = '', status } = s.labels;
    if (method === 'POST' && route === '/v1/calls' && status === '201') out.creates += s.value;
    else if (method === 'POST' && route.startsWith('/webhooks') && status.startsWith('2')) out.ingested += s.value;
    else if (method === 'GET' && route.startsWith('/v1/') && status === '200') out.reads += s.value;
  }
  return out;
};

// The delivery path's consumers. The webhook endpoint answers 200 at once and counts; the
// distinct webhook-id count tells redeliveries from events.
const delivered = { webhooks: 0, distinct: new Set(), sse: 0, sseReconnects: 0 };
const consumer = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    delivered.webhooks++;
    delivered.distinct.add(req.headers['webhook-id']);
    res.writeHead(200).end('ok');
  });
});
await new Promise((r) => consumer.listen(0, '127.0.0.1', r));

const stand = await startStand({
  dist,
  pgServer,
  scenario: { webhooks: 'normal', outcome: 'completed' },
  gatewayEnv: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
  gatewayExecArgv: forceGc ? ['--expose-gc'] : [],
});
const loader = await startLoader();
const sseAbort = new AbortController();
const cleanup = cleanupOnce(async () => {
  sseAbort.abort();
  consumer.close();
  await loader.stop();
  await stand.stop();
});

/** One SSE client for the whole run; if the stream ends it resumes after the last id it saw. */
async function sseClient(url, headers) {
  let after = null;
  while (!sseAbort.signal.aborted) {
    try {
      const response = await fetch(`${url}/v1/events/stream${after === null ? '' : `?after=${after}`}`, {
        headers: { authorization: headers.authorization },
        signal: sseAbort.signal,
      });
      if (!response.ok) throw new Error(`events stream: ${response.status}`);
      let rest = '';
      for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines)
          if (line.startsWith('id:')) {
            delivered.sse++;
            after = line.slice(3).trim();
          }
      }
    } catch (e) {
      if (sseAbort.signal.aborted) return;
      console.error('sse:', e.message);
    }
    delivered.sseReconnects++;
    await sleep(500);
  }
}

try {
  const { gateway, headers, createBody } = stand;
  await gateway.api('/v1/webhook-endpoints', {
    method: 'POST',
    body: JSON.stringify({ url: `http://127.0.0.1:${consumer.address().port}/soak`, description: 'soak consumer' }),
  });
  const sse = sseClient(gateway.url, headers);

  // Calls to read back, made before the load starts.
  const ids = [];
  for (let i = 0; i < 20; i++)
    ids.push(
      (
        await gateway.api('/v1/calls', {
          method: 'POST',
          body: JSON.stringify({ ...createBody, to: `+1555300${String(1000 + i)}` }),
        })
      ).id,
    );
  // Mostly single calls, as a client polling its calls would; a list page and an event-log page in each 22.
  const readPaths = [
    ...ids.map((id) => `/v1/calls/${id}`),
    '/v1/calls?limit=20',
    `/v1/events?call_id=${ids[0]}&limit=20`,
  ];

  const sampleMs = sampleSeconds * 1000;
  const count = Math.round((minutes * 60) / sampleSeconds);
  // The load outlasts the last sample by a few seconds, so that sample is taken under load.
  const loadSeconds = count * sampleSeconds + 5;
  console.log(
    `soak: ${minutes} min, ${rate} creates/s + ${readRate} reads/s, sampling every ${sampleSeconds} s${forceGc ? ' (raw, then after a forced gc())' : ''}, gateway pid ${gateway.pid}`,
  );
  const started = Date.now();
  const creates = loader.run({
    url: gateway.url,
    method: 'POST',
    paths: ['/v1/calls'],
    headers,
    body: createBody,
    varyTo: true,
    connections: 20,
    duration: loadSeconds,
    overallRate: rate,
  });
  const reads = loader.run({
    url: gateway.url,
    paths: readPaths,
    headers,
    connections: 16,
    duration: loadSeconds,
    overallRate: readRate,
  });

  const samples = [];
  let last = {
    at: Date.now(),
    cpu: processCpuMs(gateway.pid),
    ...answered(await stand.metrics()), // also resets the event-loop histogram: the first sample covers its minute only
    webhooks: 0,
    sse: 0,
  };
  const save = (extra = {}) =>
    writeFileSync(
      join(outDir, 'samples.json'),
      JSON.stringify(
        { minutes, rate, readRate, warmupMinutes, windowMinutes, sampleSeconds, forceGc, samples, ...extra },
        null,
        1,
      ),
    );
  for (let i = 1; i <= count; i++) {
    await sleep(Math.max(0, started + i * sampleMs - Date.now()));
    const m = await stand.metrics();
    const now = Date.now();
    const cpu = processCpuMs(gateway.pid);
    const counts = answered(m);
    const per = (n) => n / ((now - last.at) / 1000);
    const s = {
      minute: (i * sampleSeconds) / 60,
      elapsedMinutes: (now - started) / 60_000,
      rssMb: rssMb(gateway.pid),
      heapUsedMb: metricSum(m, 'switchboard_nodejs_heap_size_used_bytes') / 2 ** 20,
      loopP50Ms: loopMs(m, 'p50'),
      loopP99Ms: loopMs(m, 'p99'),
      loopMaxMs: loopMs(m, 'max'),
      cpuCores: (cpu - last.cpu) / (now - last.at),
      createsPerS: per(counts.creates - last.creates),
      readsPerS: per(counts.reads - last.reads),
      ingestedPerS: per(counts.ingested - last.ingested),
      webhooksPerS: per(delivered.webhooks - last.webhooks),
      ssePerS: per(delivered.sse - last.sse),
      // Events the SSE client has seen that the webhook endpoint has not yet: delivery's lag.
      deliveryBacklog: delivered.sse - delivered.distinct.size,
      // The machine's 1-minute load average: on a shared machine, what else was running.
      load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    };
    last = { at: now, cpu, ...counts, webhooks: delivered.webhooks, sse: delivered.sse };
    if (forceGc) {
      gateway.child.send({ type: 'gc' });
      const gc = await gateway.next('gc');
      if (gc.error) throw new Error(gc.error);
      s.gcRssMb = rssMb(gateway.pid);
      s.gcHeapUsedMb = gc.heapUsedMb;
      // Scraped again so the forced collection's own pause is not counted in the next minute's delay.
      await stand.metrics();
      // The collection's CPU stays in the next minute's figure; the gap is small next to a minute's work.
    }
    samples.push(s);
    save();
    console.log(
      `  ${fmt(s.minute, 0).padStart(3)} min  rss ${fmt(s.rssMb)}${forceGc ? ` (gc ${fmt(s.gcRssMb)})` : ''} MB  heap ${fmt(s.heapUsedMb)}${forceGc ? ` (gc ${fmt(s.gcHeapUsedMb)})` : ''} MB  loop p50 ${fmt(s.loopP50Ms, 2)} p99 ${fmt(s.loopP99Ms, 2)} max ${fmt(s.loopMaxMs, 1)} ms  cpu ${fmt(s.cpuCores, 2)}  /s: creates ${fmt(s.createsPerS)} reads ${fmt(s.readsPerS)} ingest ${fmt(s.ingestedPerS)} webhooks ${fmt(s.webhooksPerS)} sse ${fmt(s.ssePerS)} backlog ${s.deliveryBacklog}  load ${s.load1}`,
    );
  }
  const [createResult, readResult] = await Promise.all([creates, reads]);

  // The delivery path drains: wait until the webhook endpoint has every event the SSE client saw,
  // or nothing arrived for 15 s, at most 10 min.
  const drainStart = Date.now();
  let lastProgress = { at: Date.now(), n: delivered.webhooks };
  while (delivered.distinct.size < delivered.sse && Date.now() - drainStart < 600_000) {
    await sleep(1000);
    if (delivered.webhooks !== lastProgress.n) lastProgress = { at: Date.now(), n: delivered.webhooks };
    else if (Date.now() - lastProgress.at > 15_000) break;
  }
  await sleep(2000); // the stream's last frames
  const delivery = {
    webhooks: delivered.webhooks,
    distinctWebhooks: delivered.distinct.size,
    sse: delivered.sse,
    sseReconnects: delivered.sseReconnects,
    drainSeconds: delivered.distinct.size >= delivered.sse ? (Date.now() - drainStart) / 1000 : null,
  };
  sseAbort.abort();
  await sse;

  const run = {
    date: new Date().toISOString().slice(0, 10),
    heading: runHeading(stand.scratch.version),
    minutes,
    rate,
    readRate,
    warmupMinutes,
    windowMinutes,
    sampleSeconds,
    forceGc,
    loopResolutionMs: LOOP_RESOLUTION_MS,
    samples,
    createResult,
    readResult,
    delivery,
  };
  const { md, svg, summary } = soakReport({ ...run, svgFile, benchDir: join(root, 'bench') });
  writeFileSync(join(outDir, 'samples.json'), JSON.stringify({ ...run, summary }, null, 1));
  writeFileSync(svgFile, svg);
  console.log(`\n${md}\n\nsamples: ${relative(root, join(outDir, 'samples.json'))}, chart: ${relative(root, svgFile)}`);
  writeFileSync(join(outDir, 'section.md'), `${md}\n`);
  if (!flag('no-readme')) writeReadmeSection('soak', md);
  if (summary.createFailures || summary.readFailures) process.exitCode = 1;
} finally {
  await cleanup();
}
