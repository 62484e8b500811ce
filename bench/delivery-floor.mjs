// Child process of bench/delivery.mjs: the floor. Signs each body with the standardwebhooks
// package and POSTs it to the consumer over a keep-alive node:http agent, `concurrency` at a
// time; nothing else (no database, no queue).
//   ← { type: 'run', url, bodies, concurrency, secret } → { type: 'done', latencies }
import { Agent, request } from 'node:http';
import { Webhook } from 'standardwebhooks';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url, body, wh, id) {
  const now = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': wh.sign(id, now, body),
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', async (msg) => {
  if (msg.type === 'stop') process.exit(0);
  if (msg.type !== 'run') return;
  const wh = new Webhook(msg.secret);
  const latencies = [];
  let next = 0;
  const lane = async () => {
    while (next < msg.bodies.length) {
      const i = next++;
      const started = performance.now();
      await post(msg.url, msg.bodies[i], wh, `evt_floor_${i}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: msg.concurrency }, lane));
  process.send({ type: 'done', latencies });
});
process.send({ type: 'ready', pid: process.pid });
