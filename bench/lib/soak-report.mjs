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
  const xs = samples.filter((s) => Number.isFinite(s[key]));
  if (xs.length < 2) return NaN;
  const mx = xs.reduce((a, s) => a + s.minute, 0) / xs.length;
  const my = xs.reduce((a, s) => a + s[key], 0) / xs.length;
  const num = xs.reduce((a, s) => a + (s.minute - mx) * (s[key] - my), 0);
  const den = xs.reduce((a, s) => a + (s.minute - mx) ** 2, 0);
  return (num / den) * 60;
}

/**
 * The minutes growth is measured over: the warm-up is the first `warmupMinutes`; the early window
 * the `windowMinutes` after it, the late window the last `windowMinutes` of the run. A sample
 * stamped minute m covers minute (m − 1, m], so it belongs to a window when from < m ≤ to.
 */
export function soakWindows({ minutes, warmupMinutes, windowMinutes }) {
  return {
    warmup: warmupMinutes,
    early: { from: warmupMinutes, to: warmupMinutes + windowMinutes },
    late: { from: minutes - windowMinutes, to: minutes },
  };
}

const within = (samples, w) => samples.filter((s) => s.minute > w.from + 1e-9 && s.minute <= w.to + 1e-9);

/**
 * Growth after the warm-up: the median of the late window's samples against the median of the
 * early window's. Medians of five, because RSS and the heap swing with the old generation's
 * collections and a single first and last sample would measure where each fell in that cycle.
 */
export function growthOf(samples, windows, key) {
  const early = within(samples, windows.early).map((s) => s[key]);
  const late = within(samples, windows.late).map((s) => s[key]);
  const a = median(early);
  const b = median(late);
  return {
    early: a,
    late: b,
    growth: (b - a) / a,
    n: [early.length, late.length],
    slopePerHour: slopePerHour(
      samples.filter((s) => s.minute > windows.warmup),
      key,
    ),
  };
}

const TARGET = 0.1;

export function soakReport({
  heading,
  minutes,
  rate,
  readRate,
  warmupMinutes,
  windowMinutes = 5,
  sampleSeconds = 60,
  forceGc = false,
  loopResolutionMs = 10,
  samples,
  createResult,
  readResult,
  delivery,
  svgFile,
  benchDir,
}) {
  const windows = soakWindows({ minutes, warmupMinutes, windowMinutes });
  const after = samples.filter((s) => s.minute > warmupMinutes);
  const keys = ['rssMb', 'heapUsedMb', ...(forceGc ? ['gcRssMb', 'gcHeapUsedMb'] : [])];
  const growth = Object.fromEntries(keys.map((k) => [k, growthOf(samples, windows, k)]));
  const summary = {
    windows,
    growth,
    loopP99Max: Math.max(...after.map((s) => s.loopP99Ms)),
    loopP99Median: median(after.map((s) => s.loopP99Ms)),
    loopMaxMax: Math.max(...after.map((s) => s.loopMaxMs)),
    createFailures: failures(createResult),
    readFailures: failures(readResult),
    delivery,
  };
  const points = (key) =>
    samples.filter((s) => Number.isFinite(s[key])).map((s) => [Number(s.minute.toFixed(2)), s[key]]);
  const level = (key, color) => [
    { from: windows.early.from, to: windows.early.to, y: growth[key].early, color },
    { from: windows.late.from, to: windows.late.to, y: growth[key].late, color },
  ];
  const pct = (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${(100 * n).toFixed(1)} %` : '–');
  const svg = lineChartSvg({
    title: `Soak: ${minutes} min at ${rate} creates/s + ${readRate} reads/s offered, real PostgreSQL (${heading.split(', ')[0]})`,
    xLabel: 'minutes since the load started (each point: the minute ending there)',
    marker: { x: warmupMinutes, label: 'end of warm-up' },
    bands: [
      { ...windows.early, label: 'early window' },
      { ...windows.late, label: 'late window' },
    ],
    panels: [
      {
        title: 'gateway memory',
        note: `dashes: the windows' medians; growth ${forceGc ? `GC-settled RSS ${pct(growth.gcRssMb.growth)}, ` : ''}raw RSS ${pct(growth.rssMb.growth)}`,
        unit: 'MB',
        series: [
          { name: 'RSS, raw', color: '#1f77b4', points: points('rssMb') },
          ...(forceGc ? [{ name: 'RSS, GC-settled', color: '#17becf', points: points('gcRssMb') }] : []),
          { name: 'V8 heap used, raw', color: '#2ca02c', points: points('heapUsedMb') },
          ...(forceGc ? [{ name: 'V8 heap used, GC-settled', color: '#98df8a', points: points('gcHeapUsedMb') }] : []),
        ],
        levels: [...level('rssMb', '#1f77b4'), ...(forceGc ? level('gcRssMb', '#17becf') : [])],
      },
      {
        title: 'event-loop delay within each minute',
        unit: 'ms',
        series: [
          { name: 'p99', color: '#d62728', points: points('loopP99Ms') },
          { name: 'p50', color: '#ff7f0e', points: points('loopP50Ms') },
        ],
      },
      // On a scale of its own: one long stall would flatten the percentiles to the axis.
      {
        title: 'longest event-loop delay in each minute',
        unit: 'ms',
        height: 110,
        series: [{ name: 'max', color: '#9467bd', points: points('loopMaxMs') }],
      },
      {
        title: 'load, per second over each minute',
        unit: '/s',
        series: [
          { name: 'reads answered', color: '#8c564b', points: points('readsPerS') },
          { name: 'SSE events', color: '#e377c2', points: points('ssePerS') },
          { name: 'webhooks ingested', color: '#bcbd22', points: points('ingestedPerS') },
          { name: 'creates answered', color: '#1f77b4', points: points('createsPerS') },
        ],
      },
      ...(samples.some((s) => Number.isFinite(s.deliveryBacklog))
        ? [
            {
              title: 'webhook delivery backlog',
              unit: 'events',
              note: 'events the SSE client had and the webhook endpoint not yet',
              height: 130,
              series: [{ name: 'backlog', color: '#7f7f7f', points: points('deliveryBacklog') }],
            },
          ]
        : []),
    ],
  });
  const span = (w) => `minutes ${fmt(w.from, 0)}–${fmt(w.to, 0)}`;
  const growthRow = (label, g) =>
    `| ${label} | ${fmt(g.early)} → ${fmt(g.late)} MB (${pct(g.growth)}); slope after warm-up ${fmt(g.slopePerHour)} MB/h |`;
  const verdict = (g) => `${Math.abs(g.growth) < TARGET ? 'met' : '**not met**'} (${pct(g.growth)})`;
  const loads = samples.map((s) => s.load1).filter(Number.isFinite);
  const machine = loads.length
    ? `The machine's 1-minute load average over the run: median ${fmt(median(loads), 1)}, range ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)} (${cpus().length} cores, shared).`
    : 'The machine was shared with other jobs.';
  const cores = median(after.map((s) => s.cpuCores));
  const md = [
    `### Soak figures (${heading})`,
    '',
    `\`npm run bench:soak -- --minutes ${minutes} --rate ${rate} --read-rate ${readRate}\`: creates offered at ${rate}/s, reads at ${readRate}/s (GET /v1/calls/:id of 20 calls, a list page, an event-log page), each call completing at the simulator in about a second with its webhooks coming back; one webhook endpoint and one SSE client consuming every event. Sampled every ${sampleSeconds} s${forceGc ? ': raw, then GC-settled (two `gc()` half a second apart in the gateway child, started with `--expose-gc`; heap right after the second, RSS half a second later)' : ''}. Warm-up: the first ${warmupMinutes} min; growth: median of the late window (${span(windows.late)}) against the early window's (${span(windows.early)}). Event-loop delay: prom-client's figures for the minute minus its ${loopResolutionMs} ms timer interval. ${machine}`,
    '',
    `![soak chart](${relative(benchDir, svgFile)})`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| creates answered / failed (not 2xx, socket errors, 10 s client timeouts) | ${createResult.requests} (${fmt(createResult.requests / createResult.seconds, 1)}/s) / ${summary.createFailures}; p50 ${fmt(createResult.p50)} ms, p99 ${fmt(createResult.p99)} ms |`,
    `| reads answered / failed | ${readResult.requests} (${fmt(readResult.requests / readResult.seconds, 1)}/s) / ${summary.readFailures}; p50 ${fmt(readResult.p50)} ms, p99 ${fmt(readResult.p99)} ms |`,
    ...(delivery
      ? [
          `| events consumed: webhook deliveries (distinct) / SSE events (stream reopened) | ${delivery.webhooks} (${delivery.distinctWebhooks}) / ${delivery.sse} (${delivery.sseReconnects}×) |`,
          `| delivery backlog (SSE events not yet delivered by webhook) at the last sample / drained in | ${samples.at(-1)?.deliveryBacklog ?? '–'} / ${fmt(delivery.drainSeconds, 0)} s after the load |`,
        ]
      : []),
    `| gateway CPU after warm-up, median of the minutes | ${fmt(cores, 2)} cores |`,
    growthRow('RSS, raw', growth.rssMb),
    ...(forceGc ? [growthRow('RSS, GC-settled', growth.gcRssMb)] : []),
    growthRow('V8 heap used, raw', growth.heapUsedMb),
    ...(forceGc ? [growthRow('V8 heap used, GC-settled', growth.gcHeapUsedMb)] : []),
    `| RSS range after warm-up, raw | ${fmt(Math.min(...after.map((s) => s.rssMb)))}–${fmt(Math.max(...after.map((s) => s.rssMb)))} MB |`,
    `| event-loop delay per minute after warm-up: p99 median / worst; worst max | ${fmt(summary.loopP99Median, 2)} / ${fmt(summary.loopP99Max, 2)} ms; ${fmt(summary.loopMaxMax, 1)} ms |`,
    ...Object.entries({ ...createResult.examples, ...readResult.examples }).map(
      ([status, text]) => `| a ${status} answer | \`${text.slice(0, 200).replace(/[|`]/g, ' ')}\` |`,
    ),
    `| target: RSS growth after warm-up < 10 %, raw RSS | ${verdict(growth.rssMb)} |`,
    ...(forceGc ? [`| target: RSS growth after warm-up < 10 %, GC-settled RSS | ${verdict(growth.gcRssMb)} |`] : []),
  ].join('\n');
  return { md, svg, summary };
}
