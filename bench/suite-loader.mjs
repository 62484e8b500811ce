// Child process of bench/suite.mjs and bench/soak.mjs: autocannon in its own process, so the
// load generator never shares an event loop (or a /proc CPU reading) with a measured server.
//   ← { type: 'run', id, url, method, paths, headers, body, varyTo, idempotencyKeys, connections, duration | amount, overallRate }
//     (`amount`: exactly that many requests, each answered before the run ends; `duration` stops
//     at the deadline and drops what is in flight)
//   → { type: 'done', id, result }   (latencies summarised here: only figures cross the channel)
//   ← { type: 'sequential', id, url, method, paths, headers, body, varyTo, idempotencyKeys, duration | amount }
//     (`idempotencyKeys`: each request with an Idempotency-Key of its own; `byPath`: the paths
//     take turns and each gets its own p50/p99 in `result.paths`)
//     one request at a time over one keep-alive socket, each timed here with hrtime: the
//     unloaded latency (autocannon's per-response times on a single connection came out
//     implausibly low, tens of µs, after a loaded run)
//   ← { type: 'stop' } → exits
import autocannon from 'autocannon';
import { Agent } from 'node:http';
import { percentile } from './lib/format.mjs';
import { timedRequest } from './lib/timed-request.mjs';

let nextNumber = 0;
/** A different callee per create, as in real traffic; nothing at the vendor keys on it. */
const callee = () => `+1555${String(1_000_000 + (nextNumber++ % 9_000_000)).slice(-7)}`;

let nextKey = 0;
/** A new Idempotency-Key per request, as a careful client sends one with every create. */
const withKey = (headers, keyed) =>
  keyed ? { ...headers, 'idempotency-key': `bench-${process.pid}-${nextKey++}` } : headers;

function run({
  url,
  method = 'GET',
  paths = ['/'],
  headers = {},
  body,
  varyTo = false,
  idempotencyKeys = false,
  connections,
  duration,
  amount,
  overallRate,
}) {
  const latencies = [];
  const statuses = {};
  const examples = {};
  let next = 0;
  const setupRequest = (req) => {
    const path = paths[next++ % paths.length];
    const payload = body === undefined ? undefined : JSON.stringify(varyTo ? { ...body, to: callee() } : body);
    return {
      ...req,
      method,
      path,
      headers: withKey(headers, idempotencyKeys),
      ...(payload === undefined ? {} : { body: payload }),
    };
  };
  const onResponse = (status, text) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if ((status < 200 || status > 299) && !examples[status]) examples[status] = String(text).slice(0, 400);
  };
  return new Promise((res, rej) => {
    const instance = autocannon(
      {
        url,
        connections,
        ...(amount ? { amount } : { duration }),
        ...(overallRate ? { overallRate } : {}),
        requests: [{ setupRequest, onResponse }],
      },
      (err, result) => {
        if (err) return rej(err);
        latencies.sort((a, b) => a - b);
        res({
          requests: latencies.length,
          seconds: result.duration,
          rps: latencies.length / result.duration,
          p50: percentile(latencies, 50),
          p90: percentile(latencies, 90),
          p99: percentile(latencies, 99),
          max: latencies.at(-1) ?? NaN,
          statuses,
          examples,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

async function sequential({
  url,
  method = 'GET',
  paths = ['/'],
  headers = {},
  body,
  varyTo = false,
  idempotencyKeys = false,
  duration = Infinity,
  amount = Infinity,
  byPath = false,
}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  // With byPath, each path's own latencies too: the paths take turns, request by request.
  const perPath = paths.map(() => []);
  const statuses = {};
  const examples = {};
  const started = process.hrtime.bigint();
  const deadline = Number.isFinite(duration) ? started + BigInt(Math.round(duration * 1e9)) : null;
  for (let i = 0; i < amount && (deadline === null || process.hrtime.bigint() < deadline); i++) {
    const payload = body === undefined ? undefined : JSON.stringify(varyTo ? { ...body, to: callee() } : body);
    const { status, text, ms } = await timedRequest(new URL(paths[i % paths.length], url), {
      method,
      headers: withKey(headers, idempotencyKeys),
      body: payload,
      agent,
    });
    latencies.push(ms);
    perPath[i % paths.length].push({ ms, status, text });
    statuses[status] = (statuses[status] ?? 0) + 1;
    if ((status < 200 || status > 299) && !examples[status]) examples[status] = text.slice(0, 400);
  }
  agent.destroy();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    ...(byPath ? { paths: perPath.map(pathSummary) } : {}),
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    statuses,
    examples,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
  };
}

/** One path's share of an interleaved sequential run. */
function pathSummary(results) {
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const failed = results.filter((r) => r.status < 200 || r.status > 299);
  return {
    requests: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    failed: failed.length,
    examples: Object.fromEntries(failed.slice(0, 1).map((r) => [r.status, r.text.slice(0, 400)])),
  };
}

process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', async (msg) => {
  if (msg.type === 'stop') process.exit(0);
  if (msg.type !== 'run' && msg.type !== 'sequential') return;
  try {
    process.send({ type: 'done', id: msg.id, result: await (msg.type === 'run' ? run(msg) : sequential(msg)) });
  } catch (error) {
    process.send({ type: 'done', id: msg.id, error: String(error?.stack ?? error) });
  }
});
process.send({ type: 'ready', pid: process.pid });
