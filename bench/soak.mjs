#!/usr/bin/env node
// A soak at moderate load on real PostgreSQL: creates at a fixed rate through POST /v1/calls
// (the Kalem simulator in its own process, its calls completing in about a second with their
// webhooks coming back to the gateway), plus reads (GET /v1/calls/:id and a list page) at a
// fixed rate. Every minute it samples the gateway process's RSS (/proc/<pid>/status) and, from
// the gateway's /metrics, the event-loop delay (prom-client resets its histogram at each
// scrape, so each sample is that minute's) and the V8 heap. It draws bench/soak.svg and
// reports growth after the warm-up: last sample against the first one after it.
//
//   npm run bench:soak [-- --minutes 30 --warmup-minutes 5 --rate 20 --read-rate 20 --sample-seconds 60]
//   BENCH_DIST=.scratch/soak-dist npm run bench:soak       (a copy of dist, so builds may go on meanwhile)
//   --out <dir>   where samples.json goes (default bench/soak-results, gitignored)
//   --report <samples.json>  render a finished run's chart and README section again
//   --svg <file>  default bench/soak.svg; --no-readme leaves bench/README.md alone (the section is in <out>/section.md either way)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fmt, runHeading } from './lib/format.mjs';
import { startLoader } from './lib/loader.mjs';
import { soakReport } from './lib/soak-report.mjs';
import { benchOptions, root } from './lib/options.mjs';
import { processCpuMs } from './lib/proc-cpu.mjs';
import { writeReadmeSection } from './lib/readme-section.mjs';
import { metricSum, startStand } from './lib/stand.mjs';
import { cleanupOnce } from './lib/children.mjs';

const { number, opt, flag, dist, pgServer } = benchOptions();
const minutes = number('minutes', 30);
const warmupMinutes = number('warmup-minutes', Math.min(5, minutes / 3));
const rate = number('rate', 20);
const readRate = number('read-rate', 20);
const sampleSeconds = number('sample-seconds', 60);
const outDir = resolve(root, opt('out', 'bench/soak-results'));
const svgFile = resolve(root, opt('svg', 'bench/soak.svg'));
mkdirSync(outDir, { recursive: true });

// --report <samples.json>: render a finished run's chart and section again, without running.
const reportFrom = opt('report', null);
if (reportFrom) {
  const saved = JSON.parse(readFileSync(resolve(root, reportFrom), 'utf8'));
  const heading = `${saved.date ?? new Date().toISOString().slice(0, 10)}, ${runHeading(saved.pgVersion ?? '?')
    .split(', ')
    .slice(1)
    .join(', ')}`;
  const { md, svg } = soakReport({ ...saved, heading, svgFile, benchDir: join(root, 'bench') });
  writeFileSync(svgFile, svg);
  writeFileSync(join(outDir, 'section.md'), `${md}\n`);
  if (!flag('no-readme')) writeReadmeSection('soak', md);
  console.log(md);
  process.exit(0);
}

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

const stand = await startStand({ dist, pgServer, scenario: { webhooks: 'normal', outcome: 'completed' } });
const loader = await startLoader();
const cleanup = cleanupOnce(async () => {
  await loader.stop();
  await stand.stop();
});
try {
  const { gateway, headers, createBody } = stand;
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
  const readPaths = [...ids.map((id) => `/v1/calls/${id}`), '/v1/calls?limit=20'];

  const seconds = Math.round(minutes * 60);
  const started = Date.now();
  console.log(
    `soak: ${minutes} min, ${rate} creates/s + ${readRate} reads/s, sampling every ${sampleSeconds} s, gateway pid ${gateway.pid}`,
  );
  const creates = loader.run({
    url: gateway.url,
    method: 'POST',
    paths: ['/v1/calls'],
    headers,
    body: createBody,
    varyTo: true,
    connections: 20,
    duration: seconds,
    overallRate: rate,
  });
  const reads = loader.run({
    url: gateway.url,
    paths: readPaths,
    headers,
    connections: 10,
    duration: seconds,
    overallRate: readRate,
  });

  const samples = [];
  let lastCpu = processCpuMs(gateway.pid);
  let lastAt = Date.now();
  await stand.metrics(); // resets the event-loop histogram, so the first sample covers its minute only
  const sample = async () => {
    const m = await stand.metrics();
    const cpu = processCpuMs(gateway.pid);
    const now = Date.now();
    const s = {
      minute: (now - started) / 60_000,
      rssMb: rssMb(gateway.pid),
      heapUsedMb: metricSum(m, 'switchboard_nodejs_heap_size_used_bytes') / 2 ** 20,
      loopP50Ms: loopMs(m, 'p50'),
      loopP99Ms: loopMs(m, 'p99'),
      loopMaxMs: loopMs(m, 'max'),
      cpuCores: (cpu - lastCpu) / (now - lastAt),
      created: metricSum(m, 'switchboard_http_requests_total', { method: 'POST', status: '201' }),
      // The machine's 1-minute load average: on a shared machine, what else was running.
      load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    };
    lastCpu = cpu;
    lastAt = now;
    samples.push(s);
    writeFileSync(
      join(outDir, 'samples.json'),
      JSON.stringify({ minutes, rate, readRate, warmupMinutes, samples }, null, 1),
    );
    console.log(
      `  ${fmt(s.minute, 1).padStart(5)} min  rss ${fmt(s.rssMb)} MB  heap ${fmt(s.heapUsedMb)} MB  loop p50 ${fmt(s.loopP50Ms, 2)} p99 ${fmt(s.loopP99Ms, 2)} max ${fmt(s.loopMaxMs, 1)} ms  cpu ${fmt(s.cpuCores, 2)} cores  201s ${s.created}`,
    );
  };
  const timer = setInterval(
    () => sample().catch((e) => console.error('sample failed:', e.message)),
    sampleSeconds * 1000,
  );
  const [createResult, readResult] = await Promise.all([creates, reads]);
  clearInterval(timer);

  const { md, svg, summary } = soakReport({
    minutes,
    rate,
    readRate,
    warmupMinutes,
    sampleSeconds,
    loopResolutionMs: LOOP_RESOLUTION_MS,
    samples,
    createResult,
    readResult,
    heading: runHeading(stand.scratch.version),
    svgFile,
    benchDir: join(root, 'bench'),
  });
  writeFileSync(
    join(outDir, 'samples.json'),
    JSON.stringify(
      {
        date: new Date().toISOString().slice(0, 10),
        minutes,
        rate,
        readRate,
        warmupMinutes,
        sampleSeconds,
        pgVersion: stand.scratch.version,
        samples,
        createResult,
        readResult,
        summary,
      },
      null,
      1,
    ),
  );
  writeFileSync(svgFile, svg);
  console.log(`\n${md}\n\nsamples: ${relative(root, join(outDir, 'samples.json'))}, chart: ${relative(root, svgFile)}`);
  writeFileSync(join(outDir, 'section.md'), `${md}\n`);
  if (!flag('no-readme')) writeReadmeSection('soak', md);
  if (summary.createFailures || summary.readFailures) process.exitCode = 1;
} finally {
  await cleanup();
}
