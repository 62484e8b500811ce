// What the suite, the soak and the list benchmark share: a scratch database, the Kalem
// simulator in its own process, the gateway in its own process (sandbox off), and one Kalem
// connection plus one agent created through the API.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gatewayApi, simulatorControl, startChild } from './children.mjs';
import { launchNodeFlags } from './options.mjs';
import { createScratchDatabase } from './scratch-db.mjs';

/** The largest `rate_limits` value the API accepts (MAX_RATE_LIMIT in src/routing/rate-budget/rate-budget-windows.ts). */
const BENCH_RATE_LIMIT = 1_000_000;

/** A connection's `rate_limits` raised to the most the API takes: its budget is taken on every vendor request, never refused. */
export const BENCH_RATE_LIMITS = { requests_per_minute: BENCH_RATE_LIMIT, requests_per_hour: BENCH_RATE_LIMIT };

/** Calls dialed at the simulator since its last reset, from its control API. */
export async function simulatorDialCount(origin) {
  const response = await fetch(`${origin}/__sim/calls`);
  if (!response.ok) throw new Error(`simulator calls: ${response.status}`);
  return (await response.json()).calls.length;
}

/** Every sample of a Prometheus text exposition as { name, labels, value }. */
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of a metric's samples whose labels include `match`. */
export const metricSum = (samples, name, match = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);

/**
 * Starts everything; `scenario` is the simulator's default scenario after each reset.
 * `databaseName` reuses a scratch database an earlier run kept.
 * `gatewayEnv` is applied last in the gateway child. `databaseUrl(url)` may rewrite the URL the
 * gateway is given (a counting proxy in front of the scratch database). The gateway child runs
 * with the Node flags of `npm start` (launchNodeFlags), or `gatewayNodeFlags` in their place,
 * plus `gatewayExecArgv` (the soak's `--expose-gc`).
 */
export async function startStand({
  dist,
  pgServer,
  scenario,
  gatewayEnv = {},
  gatewayNodeFlags = launchNodeFlags(),
  gatewayExecArgv = [],
  databaseName,
  vendorBudgets = 'on',
}) {
  // Vendor rate budgets are on by default in the gateway, so the stand keeps them: every vendor
  // request takes budget, as deployed. Kalem's documented limits (60 a minute) would refuse
  // most of a row, so the connection's own `rate_limits` raise them to the most the API takes
  // (a customer on a larger plan does the same): taken every time, never refused.
  // `vendorBudgets: 'off'` measures without them, as before 2026-12-03.
  const { variableMeta } = createRequire(import.meta.url)(join(dist, 'src/config/config.variables.js'));
  const hasBudgets = variableMeta().has('VENDOR_RATE_BUDGETS');
  const budgets = hasBudgets && vendorBudgets === 'off' ? { VENDOR_RATE_BUDGETS: 'off' } : {};
  const rateLimits = hasBudgets && vendorBudgets !== 'off' ? { rate_limits: BENCH_RATE_LIMITS } : {};
  const scratch = await createScratchDatabase(pgServer, databaseName);
  const adminKey = `sk_test_bench${randomBytes(12).toString('hex')}`;
  const secretKey = randomBytes(32).toString('hex');
  const children = [];
  const stop = async ({ keep = false } = {}) => {
    for (const c of children.reverse()) await c.stop();
    await scratch.drop({ keep });
  };
  try {
    const simulator = startChild('failover-simulator.mjs', { BENCH_DIST: dist }, []);
    children.push(simulator);
    const kalem = await simulator.next('ready');
    const sim = simulatorControl(kalem.origin);
    const resetSimulator = async () => {
      await sim('reset');
      await sim('config', { rate_limits: false });
      await sim('scenario', scenario);
    };
    await resetSimulator();

    /** A gateway child on `databaseUrl` (default: the scratch database); several may run at once. */
    const startGateway = async (env = {}, databaseUrl = scratch.url) => {
      const child = startChild(
        'webhook-ingest-gateway.mjs',
        {
          BENCH_DIST: dist,
          DATABASE_URL: databaseUrl,
          BENCH_ADMIN_KEY: adminKey,
          BENCH_GATEWAY_ENV: JSON.stringify({
            SWITCHBOARD_SANDBOX: 'off',
            PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
            SWITCHBOARD_SECRET_KEY: secretKey,
            ...budgets,
            ...gatewayEnv,
            ...env,
          }),
        },
        [...gatewayNodeFlags, ...gatewayExecArgv],
      );
      children.push(child);
      const { url, pid } = await child.next('ready');
      // `child` / `next`: the control messages of bench/webhook-ingest-gateway.mjs.
      return { url, pid, api: gatewayApi(url, adminKey), child: child.child, next: child.next, stop: child.stop };
    };
    const gateway = await startGateway();
    const connection = await gateway.api('/v1/providers', {
      method: 'POST',
      body: JSON.stringify({
        provider: 'kalem',
        name: 'kalem simulator (bench)',
        credentials: { api_key: kalem.apiKey },
        base_url: kalem.baseUrl,
        defaults: kalem.defaults,
        ...rateLimits,
      }),
    });
    const agent = await gateway.api('/v1/agents', {
      method: 'POST',
      body: JSON.stringify({
        name: 'bench agent',
        bindings: [{ connection_id: connection.id, provider_agent_id: kalem.sampleAgentId }],
      }),
    });
    const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    /** The create body every gateway row sends: pinned to the simulator's connection. */
    const createBody = { agent_id: agent.id, routing: { connections: [connection.id] } };
    const metrics = async (url = gateway.url) => {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
      if (!response.ok) throw new Error(`metrics: ${response.status}`);
      return parseMetrics(await response.text());
    };
    return {
      scratch,
      adminKey,
      headers,
      kalem,
      sim,
      resetSimulator,
      simulator,
      gateway,
      startGateway,
      connection,
      agent,
      createBody,
      metrics,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
