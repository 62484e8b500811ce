#!/usr/bin/env node
// Gateway overhead, measured with autocannon against loopback, next to a bare Fastify
// baseline measured in the same run. Usage: npm run bench:layers [-- --seconds 5 --connections 10]
// Uses DATABASE_URL when set (point it at a scratch database: migrations run there), else the
// embedded default in a temp dir.
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { BENCH_RATE_LIMITS } from './lib/stand.mjs';

const require = createRequire(import.meta.url);
const { startGateway } = require('../dist/src/bootstrap.js');
const { loadConfig } = require('../dist/src/config/load-config.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 5);
const connections = arg('connections', 10);

async function measure(title, opts) {
  const result = await autocannon({ duration: seconds, connections, ...opts });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return { title, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx };
}

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
const adminKey = 'sk_test_benchadminkey0123456789abcdef';
const baseline = Fastify();
baseline.get('/json', async () => ({ status: 'ok', checks: { database: 'ok' } }));
await baseline.listen({ port: 0, host: '127.0.0.1' });
const baselineUrl = `http://127.0.0.1:${baseline.server.address().port}`;

const gateway = await startGateway(
  loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_ADMIN_KEY: adminKey,
    RATE_LIMIT_PER_KEY: '1000000000',
  }),
);
const auth = { authorization: `Bearer ${adminKey}` };
const api = (path, init = {}) =>
  fetch(gateway.url + path, {
    ...init,
    headers: { ...auth, 'content-type': 'application/json', ...(init.headers ?? {}) },
  }).then((r) => r.json());

// A finished call to read back: placed on the sandbox's Kalem simulator.
const agent = (await api('/v1/agents')).data[0];
const call = await api('/v1/calls', {
  method: 'POST',
  body: JSON.stringify({ to: '+15550001111', agent_id: agent.id, provider: 'kalem' }),
});
for (let i = 0; i < 200; i++) {
  const current = await api(`/v1/calls/${call.id}`);
  if (['completed', 'failed', 'no_answer', 'busy'].includes(current.status)) break;
  await new Promise((r) => setTimeout(r, 50)); // bench setup only, not a test
}

const rows = [];
rows.push(await measure('baseline: bare Fastify JSON route', { url: `${baselineUrl}/json` }));
rows.push(await measure('gateway GET /health/live (no auth, no DB)', { url: `${gateway.url}/health/live` }));
rows.push(await measure('gateway GET /health/ready (DB ping)', { url: `${gateway.url}/health/ready` }));
rows.push(
  await measure('gateway GET /v1/keys (auth + rate limit + DB list)', {
    url: `${gateway.url}/v1/keys?limit=10`,
    headers: auth,
  }),
);
rows.push(
  await measure('gateway GET /v1/calls/:id (finished call, cache)', {
    url: `${gateway.url}/v1/calls/${call.id}`,
    headers: auth,
  }),
);

// The create path: the vendor simulator alone, then the same create through the gateway
// (validation, phone parsing, routing, two transactions with events, the vendor request).
const kalem = (await api('/v1/providers')).data.find((c) => c.provider === 'kalem' && c.origin === 'sandbox');
// Vendor rate budgets are on by default, and Kalem's documented limits (60 a minute) would
// refuse most of the row: the connection raises its own, as bench/lib/stand.mjs does.
const raised = await api(`/v1/providers/${kalem.id}`, {
  method: 'PATCH',
  body: JSON.stringify({ rate_limits: BENCH_RATE_LIMITS }),
});
if (raised.error) throw new Error(`raising the connection's rate limits: ${JSON.stringify(raised.error)}`);
const simOrigin = new URL(kalem.base_url).origin;
const { KALEM_DEFAULT_API_KEY } = require('../dist/libs/simulators/src/kalem/index.js');
const json = { 'content-type': 'application/json' };
// Each row starts from an empty simulator: thousands of live simulated calls would tax the next row.
const resetSimulator = async () => {
  await fetch(`${simOrigin}/__sim/reset`, { method: 'POST' });
  await fetch(`${simOrigin}/__sim/config`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ rate_limits: false }),
  });
  // Its webhooks would come back into this same process and the create row would measure
  // ingest as much (57 creates/s with them, 660 without, 2026-12-04): dropped.
  await fetch(`${simOrigin}/__sim/scenario`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ webhooks: 'drop' }),
  });
};
await resetSimulator();
rows.push(
  await measure('vendor alone: POST Kalem simulator /calls', {
    url: `${kalem.base_url}/calls`,
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${KALEM_DEFAULT_API_KEY}`, accept: 'application/json' },
    body: JSON.stringify({ to_number: '+15550001111', agent_id: 1, number_id: 1, trunk_id: 1 }),
  }),
);
await resetSimulator();
rows.push(
  await measure('gateway POST /v1/calls (pinned to that simulator)', {
    url: `${gateway.url}/v1/calls`,
    method: 'POST',
    headers: { ...json, ...auth },
    body: JSON.stringify({ to: '+1 (555) 000-1111', agent_id: agent.id, provider: 'kalem' }),
  }),
);

await gateway.close();
await baseline.close();
rmSync(dataDir, { recursive: true, force: true });

const db = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
console.log(`\n${seconds}s per row, ${connections} connections, database: ${db}, node ${process.version}\n`);
console.log('| scenario | req/s | p50 ms | p99 ms | non-2xx/errors |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.title} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} |`);
