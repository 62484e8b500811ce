import type { Server, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';

export interface ProxiedRequest {
  method: string;
  path: string;
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: use it as a connection's base_url origin. */
  origin: string;
  /** Requests that reached the proxy, so far (what the vendor behind it was sent). */
  readonly count: number;
  readonly requests: readonly ProxiedRequest[];
  /**
   * Answers a request itself instead of forwarding it (return true), for what the
   * simulators' own faults cannot express, e.g. their call list failing while creates work.
   */
  answer: ((req: ProxiedRequest, res: ServerResponse) => boolean) | null;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a simulator that counts what passes through, for tests
 * that must show a request was never sent (the simulators keep no log of every request).
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const seen = { method: req.method ?? 'GET', path: req.url ?? '/' };
    requests.push(seen);
    if (proxy.answer?.(seen, res)) {
      req.resume();
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The vendor reset or dropped the connection: so does the proxy, as the gateway would see it.
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const proxy: CountingProxy = {
    origin: `http://127.0.0.1:${port}`,
    get count() {
      return requests.length;
    },
    requests,
    answer: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
