// Child process of bench/suite.mjs: one floor server in its own process, the least code that
// does what a gateway row does, so the gateway row reads as "what its layers cost".
//   env: BENCH_FLOOR = relay | ledger | select | fastify
//        relay:  node:http; POST / relays the body to BENCH_VENDOR_URL (the Kalem simulator's
//                POST /calls, undici keep-alive pool) with BENCH_VENDOR_KEY, then one pg INSERT
//                of the vendor's answer into bench_floor_calls (created here), answers 201;
//        ledger: the relay in a create's order: one pg INSERT of the call, committed before the
//                vendor is asked (so a retry never dials twice), the relay, then one pg UPDATE
//                of that row with the vendor's answer, committed before the 201 (so the 201
//                is never lost): the least a create that keeps both promises can do;
//        select: node:http; GET /<id> is one pg SELECT of that row of the gateway's calls table;
//        fastify: a bare Fastify route answering a small JSON object.
//        DATABASE_URL for relay and select (pg pool of 10, as the gateway's).
//   → { type: 'ready', pid, url }   ← { type: 'stop' } → exits
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import Fastify from 'fastify';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { Pool: HttpPool } = require('undici');
const floor = process.env.BENCH_FLOOR;

const readBody = (req) =>
  new Promise((res, rej) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rej);
  });
const send = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** `before`: the row inserted before the vendor is asked and updated after (ledger), else inserted after (relay). */
async function relayAndPersist({ before }) {
  const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  await db.query(
    'CREATE TABLE IF NOT EXISTS bench_floor_calls (id uuid PRIMARY KEY, vendor_call_id text, vendor_status int, created_at timestamptz NOT NULL DEFAULT now())',
  );
  const vendor = new URL(process.env.BENCH_VENDOR_URL);
  const http = new HttpPool(vendor.origin, { connections: 64 });
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const id = randomUUID();
      if (before) await db.query('INSERT INTO bench_floor_calls (id) VALUES ($1)', [id]);
      const answer = await http.request({
        path: vendor.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${process.env.BENCH_VENDOR_KEY}`,
        },
        body,
      });
      const vendorBody = await answer.body.json();
      const values = [id, String(vendorBody.call_id ?? vendorBody.id ?? ''), answer.statusCode];
      await db.query(
        before
          ? 'UPDATE bench_floor_calls SET vendor_call_id = $2, vendor_status = $3 WHERE id = $1'
          : 'INSERT INTO bench_floor_calls (id, vendor_call_id, vendor_status) VALUES ($1, $2, $3)',
        values,
      );
      send(res, answer.statusCode < 300 ? 201 : 502, {
        id,
        vendor_call_id: vendorBody.call_id ?? vendorBody.id ?? null,
      });
    } catch (error) {
      send(res, 503, { error: String(error.message) });
    }
  });
  return { server, close: () => Promise.all([db.end(), http.close()]) };
}

async function selectById() {
  const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const server = createServer(async (req, res) => {
    try {
      const { rows } = await db.query('SELECT * FROM calls WHERE id = $1', [req.url.slice(1)]);
      if (!rows.length) return send(res, 404, { error: 'not found' });
      send(res, 200, rows[0]);
    } catch (error) {
      send(res, 503, { error: String(error.message) });
    }
  });
  return { server, close: () => db.end() };
}

let url;
let close;
if (floor === 'fastify') {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${app.server.address().port}`;
  close = () => app.close();
} else {
  const made =
    floor === 'relay' || floor === 'ledger'
      ? await relayAndPersist({ before: floor === 'ledger' })
      : floor === 'select'
        ? await selectById()
        : null;
  if (!made) throw new Error(`BENCH_FLOOR: relay, ledger, select or fastify, not ${floor}`);
  await new Promise((res) => made.server.listen(0, '127.0.0.1', res));
  url = `http://127.0.0.1:${made.server.address().port}`;
  close = async () => {
    made.server.closeAllConnections();
    await new Promise((res) => made.server.close(res));
    await made.close();
  };
}
process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', async (msg) => {
  if (msg.type !== 'stop') return;
  await close();
  process.exit(0);
});
process.send({ type: 'ready', pid: process.pid, url });
