import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** What the attempt record keeps of a consumer's answer. */
export const SNIPPET_CHARS = 500;
/** Bytes of an answer read at most; the rest is cut off (a consumer cannot make us read forever). */
const MAX_READ_BYTES = 64 * 1024;

export interface SendRequest {
  url: URL;
  /** The address the SSRF guard checked: the connection goes there, never to a fresh lookup. */
  address: string;
  family: 4 | 6;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  snippet: string | null;
  retryAfter: string | undefined;
  error: string | null;
}

/**
 * One POST to a consumer over node:http(s): redirects are not followed (a 3xx is a failed
 * attempt, and following one would skip the SSRF check), the whole exchange is bounded by
 * `timeoutMs`, and keep-alive sockets are reused across deliveries to the same host.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 64, timeout: 30_000 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 64, timeout: 30_000 });

  send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const pinned: LookupFunction = (_host, options, callback) => {
      // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
      if ((options as { all?: boolean }).all)
        (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: req.address, family: req.family },
        ]);
      else callback(null, req.address, req.family);
    };
    const secure = req.url.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Omit<SendResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        resolve({ ...result, latencyMs: elapsed() });
      };
      const outgoing = (secure ? httpsRequest : httpRequest)(
        req.url,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          lookup: pinned,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(req.body)),
            'user-agent': 'Switchboard-Webhooks/1',
            ...req.headers,
          },
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read <= MAX_READ_BYTES) chunks.push(chunk);
            else response.destroy();
          });
          const done = () =>
            finish({
              statusCode: response.statusCode ?? null,
              snippet: Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_CHARS),
              retryAfter: header(response.headers['retry-after']),
              error: null,
            });
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      const fail = (message: string) =>
        finish({ statusCode: null, snippet: null, retryAfter: undefined, error: message });
      const timer = setTimeout(() => {
        fail(`timed out after ${req.timeoutMs} ms`);
        outgoing.destroy();
      }, req.timeoutMs);
      const onAbort = () => {
        fail('the gateway stopped before the consumer answered');
        outgoing.destroy();
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (e: NodeJS.ErrnoException) => fail(e.code ? `${e.code}: ${e.message}` : e.message));
      outgoing.end(req.body);
    });
  }

  onApplicationShutdown(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
