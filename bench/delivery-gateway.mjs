// Child process of bench/delivery.mjs: the gateway alone in its own process, so its
// /proc/<pid>/stat is the gateway's CPU only. Talks to the parent over the fork IPC channel.
//   env: BENCH_DIST (absolute path of the compiled dist folder), DATABASE_URL, BENCH_ADMIN_KEY
//   → { type: 'ready', url, pid }
//   ← { type: 'append', count, perSecond } → appends `count` events, one per transaction, paced → { type: 'appended' }
//   ← { type: 'stop' } → closes the gateway and exits
import { createRequire } from 'node:module';
import { requireDist, serveParent, startBenchGateway } from './lib/gateway-child.mjs';

const require = createRequire(import.meta.url);
const { EventLogRepository } = requireDist('src/events/event-log.repository.js');
const { DataSource } = require('typeorm');

const running = await startBenchGateway('switchboard-bench-delivery-', {
  // No simulators: the consumer is the only other party. It runs on loopback, hence the allow-list.
  SWITCHBOARD_SANDBOX: 'off',
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
});
const { gateway } = running;
const dataSource = gateway.app.get(DataSource);
const log = gateway.app.get(EventLogRepository);
const data = {
  call: {
    id: 'call_bench',
    status: 'completed',
    to: '+15550100000',
    metadata: { order: 'A-1001' },
    transcript: [{ role: 'assistant', text: 'Hello, this is a reminder of your appointment tomorrow at ten.' }],
  },
  previous_status: 'in_progress',
};

serveParent(running, {
  append: async (msg) => {
    const started = Date.now();
    for (let i = 0; i < msg.count; i++) {
      if (msg.perSecond) {
        const due = started + (i * 1000) / msg.perSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      await dataSource.transaction((tx) => log.append(tx, [{ type: 'call.completed', callId: null, data }]));
    }
    process.send({ type: 'appended' });
  },
});
