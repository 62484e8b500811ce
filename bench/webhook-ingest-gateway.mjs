// Child process of bench/webhook-ingest.mjs and bench/failover.mjs: the gateway alone in its
// own process, so its /proc/<pid>/stat is server CPU only. Talks to the parent over the fork
// IPC channel.
//   env: BENCH_DIST (absolute path of the compiled dist folder), DATABASE_URL, BENCH_ADMIN_KEY,
//        BENCH_GATEWAY_ENV (optional JSON of gateway variables applied last, e.g. sandbox off)
//   → { type: 'ready', url, pid }
//   ← { type: 'secret', connectionId } → { type: 'secret', secret }
//   ← { type: 'profile-start' } / { type: 'profile-stop', path } → { type: 'profiled', path }
//   ← { type: 'gc' } → { type: 'gc', rssMb, heapUsedMb, externalMb } once settled after full
//     collections (the child started with --expose-gc; the soak's GC-settled memory)
//   ← { type: 'stop' } → closes the gateway and exits
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireDist, serveParent, startBenchGateway } from './lib/gateway-child.mjs';

const { WebhookTargets } = requireDist('src/providers/webhook-targets.service.js');
const { ConnectionsRepository } = requireDist('src/providers/connections.repository.js');

const running = await startBenchGateway('switchboard-bench-ingest-', {
  SWITCHBOARD_SANDBOX: 'on',
  // Last, so a benchmark can override the defaults, which the plain environment cannot.
  ...JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}'),
});
const { gateway } = running;

let session = null;
serveParent(running, {
  secret: async (msg) => {
    const connection = await gateway.app.get(ConnectionsRepository).find(msg.connectionId);
    process.send({ type: 'secret', secret: connection ? gateway.app.get(WebhookTargets).secretOf(connection) : null });
  },
  // A full collection frees the heap at once, but V8 hands the freed pages back to the system
  // from its concurrent sweeper a few hundred ms later: RSS read right after gc() still counts
  // them. So two collections half a second apart, and RSS half a second after the second.
  gc: async () => {
    if (typeof globalThis.gc !== 'function')
      return process.send({ type: 'gc', error: 'child started without --expose-gc' });
    globalThis.gc();
    await sleep(500);
    globalThis.gc();
    const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
    await sleep(500);
    const m = process.memoryUsage();
    process.send({ type: 'gc', rssMb: m.rss / 2 ** 20, heapUsedMb, externalMb: m.external / 2 ** 20 });
  },
  'profile-start': async () => {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    process.send({ type: 'profiling' });
  },
  'profile-stop': async (msg) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(msg.path, JSON.stringify(profile));
    process.send({ type: 'profiled', path: msg.path });
  },
});
