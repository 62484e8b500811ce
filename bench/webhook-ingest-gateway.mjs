// Child process of bench/webhook-ingest.mjs and bench/failover.mjs: the gateway alone in its
// own process, so its /proc/<pid>/stat is server CPU only. Talks to the parent over the fork
// IPC channel.
//   env: BENCH_DIST (absolute path of the compiled dist folder), DATABASE_URL, BENCH_ADMIN_KEY,
//        BENCH_GATEWAY_ENV (optional JSON of gateway variables applied last, e.g. sandbox off)
//   → { type: 'ready', url, pid }
//   ← { type: 'secret', connectionId } → { type: 'secret', secret }
//   ← { type: 'profile-start' } / { type: 'profile-stop', path } → { type: 'profiled', path }
//   ← { type: 'stop' } → closes the gateway and exits
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = process.env.BENCH_DIST;
const { startGateway } = require(join(dist, 'src/bootstrap.js'));
const { loadConfig } = require(join(dist, 'src/config/load-config.js'));
const { WebhookTargets } = require(join(dist, 'src/providers/webhook-targets.service.js'));
const { ConnectionsRepository } = require(join(dist, 'src/providers/connections.repository.js'));

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-ingest-'));
const gateway = await startGateway(
  loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_SANDBOX: 'on',
    SWITCHBOARD_ADMIN_KEY: process.env.BENCH_ADMIN_KEY,
    RATE_LIMIT_PER_KEY: '1000000000',
    // The reconciler stays out of the measurement (its first tick would be an hour away).
    RECONCILE_INTERVAL_MS: '3600000',
    // Last, so a benchmark can override the defaults above (the plain environment cannot).
    ...JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}'),
  }),
);

let session = null;
process.on('message', async (msg) => {
  if (msg.type === 'secret') {
    const connection = await gateway.app.get(ConnectionsRepository).find(msg.connectionId);
    process.send({ type: 'secret', secret: connection ? gateway.app.get(WebhookTargets).secretOf(connection) : null });
  } else if (msg.type === 'profile-start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    process.send({ type: 'profiling' });
  } else if (msg.type === 'profile-stop') {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(msg.path, JSON.stringify(profile));
    process.send({ type: 'profiled', path: msg.path });
  } else if (msg.type === 'stop') {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send({ type: 'ready', url: gateway.url, pid: process.pid });
