// One HTTP request timed from the client's side with hrtime, over the caller's agent (a
// keep-alive socket of its own, for one-at-a-time latency). Shared by the suite's sequential
// loader and bench/ab.mjs.
import { request } from 'node:http';

/** → { status, ms, headers, text } */
export function timedRequest(url, { method = 'GET', headers = {}, body, agent }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      url,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
        agent,
      },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
