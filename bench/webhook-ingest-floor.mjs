// Child process of bench/webhook-ingest.mjs: the floor. A bare node:http server that does the
// least a correct receiver must: read the body, check the same HMAC-SHA256 signature and
// timestamp window as the gateway's HMS Sovereign adapter, and store the body durably with
// one INSERT … ON CONFLICT DO NOTHING (its own autocommit transaction) keyed by the body hash.
// No framework, no JSON parsing, no call to apply the event to.
//   env: DATABASE_URL, BENCH_SECRET
//   → { type: 'ready', url, pid }   ← { type: 'stop' }
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');

const secret = process.env.BENCH_SECRET;
// Same pool size as the gateway's (src/database/data-source-options.ts).
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  application_name: 'switchboard-bench-floor',
});
await pool.query(
  `CREATE TABLE IF NOT EXISTS floor_webhooks (dedup_key text PRIMARY KEY, received_at timestamptz NOT NULL, body bytea NOT NULL)`,
);

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,11}$/;

function verified(headers, body) {
  const signature = headers['x-webhook-signature'];
  const timestamp = headers['x-webhook-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !UNIX_SECONDS.test(timestamp)) return false;
  const hex = signature.startsWith('sha256=') ? signature.slice(7) : signature;
  if (!HEX_SHA256.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  if (!timingSafeEqual(Buffer.from(hex, 'hex'), expected)) return false;
  return Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
}

const send = (res, status, payload) => {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (req.method !== 'POST' || !verified(req.headers, body)) return send(res, 401, { error: 'unauthorized' });
    try {
      const key = createHash('sha256').update(body).digest('hex');
      const { rowCount } = await pool.query(
        'INSERT INTO floor_webhooks (dedup_key, received_at, body) VALUES ($1, now(), $2) ON CONFLICT (dedup_key) DO NOTHING',
        [key, body],
      );
      send(res, 200, { received: true, duplicate: rowCount === 0 });
    } catch (e) {
      send(res, 500, { error: String(e) });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () =>
  process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}`, pid: process.pid }),
);

process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', async (msg) => {
  if (msg.type !== 'stop') return;
  server.close();
  server.closeAllConnections();
  await pool.end();
  process.exit(0);
});
