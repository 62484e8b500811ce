// The child side of a benchmark gateway: the gateway alone in its own process, so its
// /proc/<pid>/stat is the gateway's CPU only.
//   env: BENCH_DIST (absolute path of the compiled dist folder), DATABASE_URL, BENCH_ADMIN_KEY
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** A module of the build the parent points at, not of this checkout's dist. */
export const requireDist = (path) => require(join(process.env.BENCH_DIST, path));

/** Starts the gateway on a loopback port; `env` comes last, so it wins over these defaults and the plain environment. */
export async function startBenchGateway(dataDirPrefix, env) {
  const { startGateway } = requireDist('src/bootstrap.js');
  const { loadConfig } = requireDist('src/config/load-config.js');
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const gateway = await startGateway(
    loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_ADMIN_KEY: process.env.BENCH_ADMIN_KEY,
      RATE_LIMIT_PER_KEY: '1000000000',
      // The reconciler stays out of the measurement (its first tick would be an hour away).
      RECONCILE_INTERVAL_MS: '3600000',
      ...env,
    }),
  );
  return { gateway, dataDir };
}

/**
 * Answers the parent: `handlers[msg.type](msg)` for each message, `stop` closes the gateway
 * and exits. Sends { type: 'ready', url, pid } once listening.
 */
export function serveParent({ gateway, dataDir }, handlers) {
  process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
  process.on('message', async (msg) => {
    if (msg.type === 'stop') {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
    await handlers[msg.type]?.(msg);
  });
  process.send({ type: 'ready', url: gateway.url, pid: process.pid });
}
