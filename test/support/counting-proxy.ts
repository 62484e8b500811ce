import { createServer, request as httpRequest, Server } from 'node:http';

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: use it as a connection's base_url origin. */
  origin: string;
  /** Requests that reached the proxy, so far (what the vendor behind it was sent). */
  readonly count: number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a simulator that counts what passes through, for tests
 * that must show a request was never sent (the simulators keep no log of every request).
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count += 1;
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
