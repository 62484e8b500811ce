// The soak's figures, chart and README section from its samples, so a finished run can be
// rendered again (`bench:soak -- --report <samples.json>`) without running it again.
import { cpus } from 'node:os';
import { relative } from 'node:path';
import { fmt } from './format.mjs';
import { failures } from './loader.mjs';
import { lineChartSvg } from './svg-chart.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** Least-squares slope of `key` over `samples`, per hour. */
function slopePerHour(samples, key) {
  if (samples.length < 2) return NaN;
  const mx = samples.reduce((a, s) => a + s.minute, 0) / samples.length;
  const my = samples.reduce((a, s) => a + s[key], 0) / samples.length;
  const num = samples.reduce((a, s) => a + (s.minute - mx) * (s[key] - my), 0);
  const den = samples.reduce((a, s) => a + (s.minute - mx) ** 2, 0);
  return (num / den) * 60;
}

/**
 * Growth after the warm-up: the median of the last five samples against the median of the
 * first five after the warm-up (fewer when the run is short). RSS swings by a third between
 * two collections of the old generation, so a single first and last sample would measure
 * where each one fell in that cycle rather than growth.
 */
export function growthOf(samples, warmupMinutes, key) {
  const after = samples.filter((s) => s.minute >= warmupMinutes);
  const k = Math.max(1, Math.min(5, Math.floor(after.length / 3)));
  const early = after.slice(0, k);
  const late = after.slice(-k);
  const a = median(early.map((s) => s[key]));
  const b = median(late.map((s) => s[key]));
  return {
    early: a,
    late: b,
    growth: (b - a) / a,
    k,
    from: early[0]?.minute,
    to: late.at(-1)?.minute,
    slopePerHour: slopePerHour(after, key),
  };
}

export function soakReport({
  minutes,
  rate,
  readRate,
  warmupMinutes,
  sampleSeconds = 60,
  loopResolutionMs = 10,
  samples,
  createResult,
  readResult,
  heading,
  svgFile,
  benchDir,
}) {
  const after = samples.filter((s) => s.minute >= warmupMinutes);
  const rss = growthOf(samples, warmupMinutes, 'rssMb');
  const heap = growthOf(samples, warmupMinutes, 'heapUsedMb');
  const summary = {
    rss,
    heap,
    loopP99Max: Math.max(...after.map((s) => s.loopP99Ms)),
    loopP99Median: median(after.map((s) => s.loopP99Ms)),
    createFailures: failures(createResult),
    readFailures: failures(readResult),
  };
  const points = (key) => samples.map((s) => [Number(s.minute.toFixed(2)), s[key]]);
  const svg = lineChartSvg({
    title: `Soak: ${minutes} min at up to ${rate} creates/s + ${readRate} reads/s, real PostgreSQL`,
    xLabel: 'minutes since the load started',
    marker: { x: warmupMinutes, label: 'end of warm-up' },
    panels: [
      {
        title: 'gateway memory',
        unit: 'MB',
        series: [
          { name: 'RSS', color: '#1f77b4', points: points('rssMb') },
          { name: 'V8 heap used', color: '#2ca02c', points: points('heapUsedMb') },
        ],
      },
      {
        title: 'event-loop delay in each minute',
        unit: 'ms',
        series: [
          { name: 'p99', color: '#d62728', points: points('loopP99Ms') },
          { name: 'p50', color: '#ff7f0e', points: points('loopP50Ms') },
        ],
      },
    ],
  });
  const pct = (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${(100 * n).toFixed(1)} %` : '–');
  const spanOf = (g) =>
    `median of the ${g.k} samples from minute ${fmt(g.from, 0)} → of the last ${g.k} (to minute ${fmt(g.to, 0)})`;
  const createdPerSecond = createResult.requests / createResult.seconds;
  const loads = samples.map((s) => s.load1).filter(Number.isFinite);
  const machine = loads.length
    ? `The machine's 1-minute load average over the run: median ${fmt(median(loads), 1)}, range ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)} (${cpus().length} cores).`
    : 'The machine was shared with other jobs.';
  const md = [
    `### Soak figures (${heading})`,
    '',
    `\`npm run bench:soak -- --minutes ${minutes}\`: creates offered at ${rate}/s (20 connections) and reads (GET /v1/calls/:id of 20 calls and a list page) at ${readRate}/s for ${minutes} min, every call completing at the simulator in about a second with its webhooks coming back, sampled every ${sampleSeconds} s. Event-loop delay: prom-client's figures for the minute minus its ${loopResolutionMs} ms timer interval. ${machine} Where fewer creates were answered than offered, that is what this machine gave at the time, not the gateway's ceiling.`,
    '',
    `![soak chart](${relative(benchDir, svgFile)})`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| creates answered / failed (not 2xx, socket errors, 10 s client timeouts) | ${createResult.requests} (${fmt(createdPerSecond, 1)}/s) / ${summary.createFailures}; p50 ${fmt(createResult.p50)} ms, p99 ${fmt(createResult.p99)} ms |`,
    `| reads answered / failed | ${readResult.requests} (${fmt(readResult.requests / readResult.seconds, 1)}/s) / ${summary.readFailures}; p50 ${fmt(readResult.p50)} ms, p99 ${fmt(readResult.p99)} ms |`,
    `| RSS after warm-up, ${spanOf(rss)} | ${fmt(rss.early)} → ${fmt(rss.late)} MB (${pct(rss.growth)}); least-squares slope ${fmt(rss.slopePerHour)} MB/h |`,
    `| V8 heap used, same samples | ${fmt(heap.early)} → ${fmt(heap.late)} MB (${pct(heap.growth)}); slope ${fmt(heap.slopePerHour)} MB/h |`,
    `| RSS range after warm-up (GC cycles) | ${fmt(Math.min(...after.map((s) => s.rssMb)))}–${fmt(Math.max(...after.map((s) => s.rssMb)))} MB |`,
    `| event-loop delay p99 per minute after warm-up: median / worst | ${fmt(summary.loopP99Median, 2)} / ${fmt(summary.loopP99Max, 2)} ms |`,
    ...Object.entries({ ...createResult.examples, ...readResult.examples }).map(
      ([status, text]) => `| a ${status} answer | \`${text.slice(0, 200).replace(/[|`]/g, ' ')}\` |`,
    ),
    `| target: RSS growth after warm-up < 10 % | ${Math.abs(rss.growth) < 0.1 ? 'met' : '**not met**'} (${pct(rss.growth)}) |`,
  ].join('\n');
  return { md, svg, summary };
}
