import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
}

/**
 * A loopback HTTP proxy in front of a simulator, for what the simulators' own faults cannot
 * express (their list endpoint failing while creates work) and to count exactly what reached
 * the vendor. `answer` may reply itself (return true) instead of forwarding.
 */
export interface VendorProxy {
  url: string;
  requests: ProxiedRequest[];
  answer: ((req: ProxiedRequest, res: ServerResponse) => boolean) | null;
  close(): Promise<void>;
}

export async function startVendorProxy(targetOrigin: string): Promise<VendorProxy> {
  const proxy: VendorProxy = { url: '', requests: [], answer: null, close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? 'GET', path: req.url ?? '/' };
      proxy.requests.push(seen);
      if (proxy.answer?.(seen, res)) return;
      const headers = { ...req.headers };
      delete headers.host;
      fetch(`${targetOrigin}${seen.path}`, { method: seen.method, headers: headers as Record<string, string>, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (upstream) => {
          const body = Buffer.from(await upstream.arrayBuffer());
          const out: Record<string, string> = {};
          upstream.headers.forEach((v, k) => {
            if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(k)) out[k] = v;
          });
          res.writeHead(upstream.status, out).end(body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
