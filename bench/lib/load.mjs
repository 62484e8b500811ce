// autocannon over one request shape, keeping every response time: its own histogram rounds
// them, and the tables print p50/p99 with a decimal.
import autocannon from 'autocannon';

/** Resolves to autocannon's result and the response times in ms, in arrival order. */
export function loadWithLatencies({ url, connections, duration, setupRequest, onResponse }) {
  const latencies = [];
  return new Promise((res, rej) => {
    const instance = autocannon(
      { url, connections, duration, requests: [{ setupRequest, onResponse }] },
      (err, result) => (err ? rej(err) : res({ result, latencies })),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}
