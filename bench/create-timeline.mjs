// Where one create's time goes when creates come one at a time (the suite's unloaded row): the
// gateway child runs with bench/lib/create-timeline-probe.cjs preloaded, which stamps each
// moment of a POST /v1/calls (guards, the call's INSERT and the budget take on the wire and
// answered, the vendor transport chain, undici, the vendor's answer, the answer's UPDATE, the
// response), and this script prints the median of each step over the requests that took the
// common path. The steps while a statement is on the wire unanswered are Postgres's, between the vendor request
// written and its body read the vendor's; the rest is the gateway's own, serial work, the part
// of the added latency that code can shorten. The probe's own stamps cost a few µs per step.
//
//   node bench/create-timeline.mjs [--requests 2000] [--warmup 500] [--no-readme]
//   BENCH_TIMELINE_PROBE=<file.cjs> preloads that probe instead: a copy with more marks, to
//   split a step further (its `around(prototype, method, label)` marks any method).
import { Agent } from 'node:http';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { benchOptions, root } from './lib/options.mjs';
import { currentCommit, fmt, percentile, runHeading } from './lib/format.mjs';
import { writeReadmeSection } from './lib/readme-section.mjs';
import { startStand } from './lib/stand.mjs';
import { timedRequest } from './lib/timed-request.mjs';

const { number, flag, dist, pgServer } = benchOptions();
const requests = number('requests', 2000);
const warmup = number('warmup', 500);

/**
 * Whose time each step is: the vendor's between its request written and its body read,
 * Postgres's while any statement is on the wire unanswered (two may be: a create's INSERT and
 * its budget take), the gateway's otherwise.
 */
function ownersOf(labels) {
  const inFlight = new Set();
  return labels.slice(0, -1).map((from, i) => {
    const to = labels[i + 1];
    if (from.endsWith(' written') && !from.startsWith('vendor')) inFlight.add(from.slice(0, -' written'.length));
    if (from.endsWith(' answered')) inFlight.delete(from.slice(0, -' answered'.length));
    if (from === 'vendor request written' || (from === 'vendor headers' && to === 'vendor body')) return 'vendor';
    return inFlight.size ? 'Postgres' : 'gateway';
  });
}

/** The two statements of a create named by the ledger call that sent them. */
function named(marks) {
  let statement = 'statement';
  return marks.map(([label, at]) => {
    if (label === 'CallLedger.open start') statement = 'INSERT';
    if (label === 'CallLedger.applyIfUnchanged start') statement = 'UPDATE';
    return [label.startsWith('statement ') ? `${statement} ${label.slice('statement '.length)}` : label, at];
  });
}

const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const stand = await startStand({
  dist,
  pgServer,
  scenario: { webhooks: 'drop', ring_ms: 3_600_000 },
  gatewayExecArgv: ['--require', process.env.BENCH_TIMELINE_PROBE ?? join(root, 'bench/lib/create-timeline-probe.cjs')],
});
let report;
try {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const clientMs = [];
  for (let i = 0; i < warmup + requests; i++) {
    const body = JSON.stringify({ ...stand.createBody, to: `+1555${String(2_000_000 + i).padStart(7, '0')}` });
    const res = await timedRequest(`${stand.gateway.url}/v1/calls`, {
      method: 'POST',
      headers: stand.headers,
      body,
      agent,
    });
    if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${res.text}`);
    if (i >= warmup) clientMs.push(res.ms);
  }
  agent.destroy();
  const answer = stand.gateway.next('timeline');
  stand.gateway.child.send({ type: 'timeline' });
  const measured = (await answer).requests.slice(-requests).map(named);
  // Background work (the delivery worker, the event notices) can put a statement inside a
  // request; those requests have another shape and are left out.
  const shapes = new Map();
  for (const marks of measured) {
    const shape = marks.map(([label]) => label).join('|');
    shapes.set(shape, [...(shapes.get(shape) ?? []), marks]);
  }
  const common = [...shapes.values()].sort((a, b) => b.length - a.length)[0];
  if (!common) throw new Error(`the probe stamped no request (client side p50 ${fmt(median(clientMs), 3)} ms)`);
  const labels = common[0].map(([label]) => label);
  const owners = ownersOf(labels);
  const steps = labels.slice(1).map((to, i) => {
    const from = labels[i];
    return { from, to, owner: owners[i], ms: median(common.map((m) => m[i + 1][1] - m[i][1])) };
  });
  const byOwner = (owner) => steps.filter((s) => s.owner === owner).reduce((sum, s) => sum + s.ms, 0);
  const totalMs = median(common.map((m) => m.at(-1)[1] - m[0][1]));
  report = [
    `### Create timeline (${runHeading(stand.scratch.version, currentCommit())})`,
    '',
    `\`node bench/create-timeline.mjs\`: ${requests} creates one at a time after ${warmup} of warm-up, one keep-alive socket; ` +
      `medians over the ${common.length} that took the common path (${measured.length - common.length} others had a background statement or another path). ` +
      `Load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
    '',
    '| step | median ms | whose |',
    '|---|---:|---|',
    ...steps.map((s) => `| ${s.from} → ${s.to} | ${fmt(s.ms, 3)} | ${s.owner} |`),
    '',
    '| sum | ms |',
    '|---|---:|',
    `| gateway's own steps (medians added) | ${fmt(byOwner('gateway'), 3)} |`,
    `| Postgres (any statement on the wire unanswered) | ${fmt(byOwner('Postgres'), 3)} |`,
    `| vendor (request written → body read) | ${fmt(byOwner('vendor'), 3)} |`,
    `| request received → response flushed (median) | ${fmt(totalMs, 3)} |`,
    `| client side, request sent → response read (median) | ${fmt(median(clientMs), 3)} |`,
  ].join('\n');
} finally {
  await stand.stop();
}
console.log(report);
if (!flag('no-readme')) writeReadmeSection('timeline', report);
