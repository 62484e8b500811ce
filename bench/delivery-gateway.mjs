// Child process of bench/delivery.mjs: the gateway alone in its own process, so its
// /proc/<pid>/stat is the gateway's CPU only. Talks to the parent over the fork IPC channel.
//   env: BENCH_DIST (absolute path of the compiled dist folder), DATABASE_URL, BENCH_ADMIN_KEY
//   → { type: 'ready', url, pid }
//   ← { type: 'append', count, perSecond } → appends `count` events, one per transaction, paced → { type: 'appended' }
//   ← { type: 'stop' } → closes the gateway and exits
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = process.env.BENCH_DIST;
const { startGateway } = require(join(dist, 'src/bootstrap.js'));
const { loadConfig } = require(join(dist, 'src/config/load-config.js'));
const { EventLogRepository } = require(join(dist, 'src/events/event-log.repository.js'));
const { DataSource } = require('typeorm');

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-delivery-'));
const gateway = await startGateway(
  loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SWITCHBOARD_DATA_DIR: dataDir,
    // No simulators: the consumer is the only other party. It runs on loopback, hence the allow-list.
    SWITCHBOARD_SANDBOX: 'off',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    SWITCHBOARD_ADMIN_KEY: process.env.BENCH_ADMIN_KEY,
    RATE_LIMIT_PER_KEY: '1000000000',
    RECONCILE_INTERVAL_MS: '3600000',
  }),
);
const dataSource = gateway.app.get(DataSource);
const log = gateway.app.get(EventLogRepository);
const data = { call: { id: 'call_bench', status: 'completed', to: '+15550100000', metadata: { order: 'A-1001' }, transcript: [{ role: 'assistant', text: 'Hello, this is a reminder of your appointment tomorrow at ten.' }] }, previous_status: 'in_progress' };

process.on('message', async (msg) => {
  if (msg.type === 'append') {
    const started = Date.now();
    for (let i = 0; i < msg.count; i++) {
      if (msg.perSecond) {
        const due = started + (i * 1000) / msg.perSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      await dataSource.transaction((tx) => log.append(tx, [{ type: 'call.completed', callId: null, data }]));
    }
    process.send({ type: 'appended' });
  } else if (msg.type === 'stop') {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send({ type: 'ready', url: gateway.url, pid: process.pid });
