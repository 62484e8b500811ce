// Child process of bench/perf-hot-paths.mjs: the GET floor. Bare node:http, one pg SELECT of
// the call row by id (the gateway's pool size), the row as JSON. No auth, no framework.
//   env: DATABASE_URL   → { type: 'ready', url, pid }   ← { type: 'stop' }
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  application_name: 'switchboard-bench-get-floor',
});

const server = createServer(async (req, res) => {
  try {
    const id = req.url.slice(req.url.lastIndexOf('/') + 1);
    const { rows } = await pool.query({
      name: 'floor-get',
      text: 'SELECT * FROM calls WHERE id = $1 AND deleted_at IS NULL',
      values: [id],
    });
    const text = JSON.stringify(rows[0] ?? null);
    res.writeHead(rows.length ? 200 : 404, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  } catch (e) {
    res.writeHead(500);
    res.end(String(e));
  }
});
server.keepAliveTimeout = 60_000;
process.on('message', async (msg) => {
  if (msg.type !== 'stop') return;
  await pool.end();
  process.exit(0);
});
server.listen(0, '127.0.0.1', () =>
  process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}`, pid: process.pid }),
);
