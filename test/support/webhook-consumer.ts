import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ConsumerRequest {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  at: number;
  /** The status this consumer answered with (set once it answered). */
  status?: number;
}

export interface ConsumerAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer this much later (a slow consumer; the request stays in flight meanwhile). */
  delayMs?: number;
}

/** Decides the answer to the nth request (0-based) on a path. */
export type Behaviour = (nth: number, request: ConsumerRequest) => ConsumerAnswer;

/**
 * A webhook consumer on loopback, as a customer would run one: records every request and
 * answers per path (200 unless told otherwise), so tests can script outages.
 */
export class WebhookConsumer {
  readonly received: ConsumerRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request: ConsumerRequest = { path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        const nth = this.on(request.path).length;
        this.received.push(request);
        const answer = this.behaviours.get(request.path)?.(nth, request) ?? { status: 200 };
        const reply = () => {
          if (res.destroyed) return;
          request.status = answer.status;
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end(answer.body ?? 'ok');
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Sets how `path` answers from now on. */
  answer(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  on(path: string): ConsumerRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** The event a delivery carries, verified with the Standard Webhooks library (throws when it does not verify). */
export function verifyDelivery(secret: string, request: ConsumerRequest): any {
  return new Webhook(secret).verify(request.raw, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}
