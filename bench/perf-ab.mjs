#!/usr/bin/env node
// A/B of two builds on the read paths, interleaved so the shared machine's load drifts
// over both alike: GET /health/live and GET /v1/calls/:id, gateway CPU per request from
// /proc, each build in its own gateway process on one scratch database, `--rounds` rounds.
//   node bench/perf-ab.mjs --a <dist folder> --b <dist folder> [--seconds 4 --rounds 3 --connections 10]
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { cleanupOnce, gatewayApi, simulatorControl, startChild } from './lib/children.mjs';
import { openCpuWindow } from './lib/cpu-window.mjs';
import { fmt, runHeading } from './lib/format.mjs';
import { loadWithLatencies } from './lib/load.mjs';
import { benchOptions, root } from './lib/options.mjs';
import { createScratchDatabase } from './lib/scratch-db.mjs';

const require = createRequire(import.meta.url);
const { number, opt, pgServer } = benchOptions();
const builds = { a: resolve(root, opt('a', 'dist')), b: resolve(root, opt('b', 'dist')) };
const seconds = number('seconds', 4);
const rounds = number('rounds', 3);
const connections = number('connections', 10);
const { KALEM_SEED } = require(join(builds.b, 'libs/simulators/src/kalem/index.js'));

const scratch = await createScratchDatabase(pgServer);
const children = [];
const cleanup = cleanupOnce(async () => {
  for (const c of children.reverse()) await c.stop();
  await scratch.drop();
});
try {
  const adminKey = `sk_test_bench${randomBytes(12).toString('hex')}`;
  const secretKey = randomBytes(32).toString('hex');
  const env = (dist) => ({
    BENCH_DIST: dist,
    DATABASE_URL: scratch.url,
    BENCH_ADMIN_KEY: adminKey,
    BENCH_GATEWAY_ENV: JSON.stringify({
      SWITCHBOARD_SANDBOX: 'off',
      SWITCHBOARD_SECRET_KEY: secretKey,
      PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
    }),
  });
  const simulator = startChild('failover-simulator.mjs', { BENCH_DIST: builds.b }, []);
  children.push(simulator);
  const kalem = await simulator.next('ready');
  await simulatorControl(kalem.origin)('scenario', { webhooks: 'drop', ring_ms: 3_600_000 });

  // One call to read, placed through build b.
  const setup = startChild('perf-gateway.mjs', env(builds.b), []);
  const { url } = await setup.next('ready');
  const api = gatewayApi(url, adminKey);
  const connection = await api('/v1/providers', {
    method: 'POST',
    body: JSON.stringify({
      provider: 'kalem',
      name: 'kalem (ab)',
      credentials: { api_key: kalem.apiKey },
      base_url: kalem.baseUrl,
      defaults: kalem.defaults,
    }),
  });
  const agent = await api('/v1/agents', {
    method: 'POST',
    body: JSON.stringify({
      name: 'ab',
      bindings: [{ connection_id: connection.id, provider_agent_id: String(KALEM_SEED.agents[0].id) }],
    }),
  });
  const call = await api('/v1/calls', {
    method: 'POST',
    body: JSON.stringify({ to: '+15550001111', agent_id: agent.id, provider: connection.id }),
  });
  await setup.stop();

  const cases = [
    { name: 'GET /health/live', path: '/health/live', headers: {} },
    { name: 'GET /v1/calls/:id', path: `/v1/calls/${call.id}`, headers: { authorization: `Bearer ${adminKey}` } },
  ];
  const results = {};
  for (let round = 0; round < rounds; round++)
    for (const build of round % 2 ? ['b', 'a'] : ['a', 'b']) {
      const gateway = startChild('perf-gateway.mjs', env(builds[build]), []);
      children.push(gateway);
      const { url: gatewayUrl, pid } = await gateway.next('ready');
      for (const c of cases) {
        const setupRequest = (req) => ({ ...req, method: 'GET', path: c.path, headers: c.headers });
        await loadWithLatencies({ url: gatewayUrl, connections, duration: 1, setupRequest });
        const close = await openCpuWindow({ admin: scratch.admin, dbName: scratch.name, pids: [pid] });
        const { result } = await loadWithLatencies({ url: gatewayUrl, connections, duration: seconds, setupRequest });
        const cpu = await close();
        if (result.non2xx || result.errors)
          throw new Error(`${c.name} on ${build}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        (results[c.name] ??= { a: [], b: [] })[build].push(cpu.pidMs[0] / result.requests.total);
      }
      await gateway.stop();
      children.pop();
    }
  console.log(
    `\n${runHeading(scratch.version)}; a = ${builds.a}, b = ${builds.b}; ${rounds} interleaved rounds of ${seconds}s, ${connections} connections\n`,
  );
  console.log('| case | a: gateway CPU ms/req (per round) | b: gateway CPU ms/req (per round) | b / a (medians) |');
  console.log('|---|---|---|---:|');
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  for (const [name, r] of Object.entries(results))
    console.log(
      `| ${name} | ${r.a.map((x) => fmt(x, 3)).join(', ')} | ${r.b.map((x) => fmt(x, 3)).join(', ')} | ${fmt(median(r.b) / median(r.a), 2)} |`,
    );
} finally {
  await cleanup();
}
