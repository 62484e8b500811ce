import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Raw body as received, for signature checks. */
  raw: string;
  /** Parsed JSON body, or null when the body is not JSON. */
  json: any;
  at: number;
  /** The status this receiver answered with (set once it answered). */
  status?: number;
}

/** How the receiver answers one request. */
export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer this much later (a slow receiver; the request stays in flight meanwhile). */
  delayMs?: number;
}

/**
 * A real HTTP server on loopback that records every request, for tests of webhook senders.
 * `respondWith` sets the status to answer (e.g. 500 to make the sender retry); a subclass
 * that needs more (per-path scripts, slow answers) overrides `answerFor`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respondWith = 200;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = raw ? JSON.parse(raw) : null;
        } catch {
          json = null;
        }
        const request: ReceivedWebhook = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          raw,
          json,
          at: Date.now(),
        };
        this.received.push(request);
        const answer = this.answerFor(request);
        const reply = () => {
          if (res.destroyed) return;
          request.status = answer.status;
          res.writeHead(answer.status, answer.headers);
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

  /** The answer to a request already recorded in `received`. */
  protected answerFor(_request: ReceivedWebhook): WebhookAnswer {
    return { status: this.respondWith };
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
