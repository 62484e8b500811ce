// The parent side of bench/suite-loader.mjs: load runs by id, so one loader can run several at once.
import { startChild } from './children.mjs';

export async function startLoader() {
  const started = startChild('suite-loader.mjs', {}, []);
  const { pid } = await started.next('ready');
  const waiting = new Map();
  let nextId = 0;
  started.child.on('message', (msg) => {
    if (msg.type !== 'done') return;
    const pending = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) pending?.rej(new Error(`load run failed: ${msg.error}`));
    else pending?.res(msg.result);
  });
  started.child.once('exit', (code) => {
    for (const pending of waiting.values()) pending.rej(new Error(`load generator exited (${code})`));
    waiting.clear();
  });
  /** `opts` as bench/suite-loader.mjs takes them; resolves to its summary (requests, rps, p50/p99, statuses). */
  const ask = (type, opts) =>
    new Promise((res, rej) => {
      const id = nextId++;
      waiting.set(id, { res, rej });
      started.child.send({ type, id, ...opts });
    });
  /** `sequential` is one request at a time, timed without autocannon (the unloaded latency). */
  return { pid, run: (opts) => ask('run', opts), sequential: (opts) => ask('sequential', opts), stop: started.stop };
}

/** Responses that were not 2xx, plus socket errors and timeouts. */
export const failures = (r) =>
  Object.entries(r.statuses).reduce((n, [s, c]) => n + (Number(s) >= 200 && Number(s) < 300 ? 0 : c), 0) +
  r.errors +
  r.timeouts;
