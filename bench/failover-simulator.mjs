// Child process of bench/failover.mjs: the Kalem simulator alone in its own process, so the
// vendor's CPU stays out of the gateway's /proc/<pid>/stat and can be read on its own.
//   env: BENCH_DIST (absolute path of the compiled dist folder)
//   → { type: 'ready', pid, origin, baseUrl, apiKey, defaults, sampleAgentId }
//   ← { type: 'stop' } → closes the simulator and exits
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { startSimulators, stopSimulators } = require(join(process.env.BENCH_DIST, 'libs/simulators/src/index.js'));

const accounts = await startSimulators({ vendors: ['kalem'], host: '127.0.0.1' });
const [kalem] = accounts;
process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', async (msg) => {
  if (msg.type !== 'stop') return;
  await stopSimulators(accounts);
  process.exit(0);
});
process.send({
  type: 'ready',
  pid: process.pid,
  origin: kalem.simulator.url,
  baseUrl: kalem.baseUrl,
  apiKey: kalem.apiKey,
  defaults: kalem.defaults,
  sampleAgentId: kalem.sampleAgentId,
});
