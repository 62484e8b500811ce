// Child process of bench/perf-hot-paths.mjs: bench/webhook-ingest-gateway.mjs (the gateway
// alone in its own process, with its profile-start/stop messages) plus a count of the SQL
// statements the gateway sends, read over IPC: ← { type: 'sql' } → { type: 'sql', total, byText }.
// Counting is every pg Client#query call, i.e. one per round trip (BEGIN and COMMIT included).
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.BENCH_DIST, 'index.js'));
const { Client } = require('pg');
const byText = new Map();
let total = 0;
const query = Client.prototype.query;
Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text === 'string' && process.env.BENCH_COUNT_SQL) {
    total++;
    const key = text.replace(/\s+/g, ' ').slice(0, 120);
    byText.set(key, (byText.get(key) ?? 0) + 1);
  }
  return query.call(this, config, ...rest);
};
process.on('message', (msg) => {
  if (msg.type !== 'sql') return;
  process.send({ type: 'sql', total, byText: [...byText] });
});
await import('./webhook-ingest-gateway.mjs');
