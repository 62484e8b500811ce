import type { HttpRequest, HttpResponse, HttpTransport } from '@switchboard/core';
import { TransportError } from '@switchboard/core';
import { Agent } from 'undici';
import type { AddressGuard } from './axios-transport';
import { ADDRESS_REFUSED_CODE } from './axios-transport';

export interface UndiciTransportOptions {
  /** Per request unless the request names its own; covers connecting, waiting and reading the body. */
  defaultTimeoutMs?: number;
  guard?: AddressGuard;
  /** Sockets kept per vendor origin (the axios agents allowed 50). */
  connectionsPerOrigin?: number;
}

/** An HttpTransport and the pools behind it, closed with the app. */
export interface PooledTransport extends HttpTransport {
  close(): Promise<void>;
}

/**
 * HttpTransport over undici: one keep-alive pool per vendor origin (an Agent keeps a Pool
 * per origin), a bounded number of sockets each. Cheaper per request than axios, which
 * rebuilds its config, interceptor chain and a node:http request every time. Behaves as
 * the axios transport: every status resolves, only a missing response rejects, with the
 * same TransportError kinds; redirects are never followed (undici follows none without a
 * redirect interceptor) and the address guard's lookup runs at connect time.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): PooledTransport {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
  const guard = options.guard;
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 50,
    // The socket connects to the addresses the guard resolved and checked (DNS rebinding).
    connect: guard ? { lookup: guard.lookup, timeout: defaultTimeoutMs } : { timeout: defaultTimeoutMs },
  });
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      const url = new URL(request.url);
      const refusal = guard?.refuse(url);
      if (refusal) throw new TransportError(`${url.host} ${refusal}`, false, 'refused');
      const headers: Record<string, string> = { Accept: 'application/json', ...(request.headers ?? {}) };
      const body = encodeBody(request.body, headers);
      // One deadline for the whole exchange (connect, headers, body), as axios's `timeout`.
      const abort = new AbortController();
      const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        const response = await agent.request({
          origin: url.origin,
          path: pathWithQuery(url, request.query),
          method: request.method,
          headers,
          body,
          signal: abort.signal,
        });
        const text = await response.body.text();
        return { status: response.statusCode, headers: normalizeHeaders(response.headers), body: parseBody(text) };
      } catch (e) {
        throw toUndiciTransportError(e as NodeJS.ErrnoException, abort.signal.aborted ? timeoutMs : null);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}

/** Objects go as JSON, as axios sends them (a caller's content-type wins). */
function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null) return undefined;
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (typeof body === 'string') {
    if (!hasType) headers['content-type'] = 'application/x-www-form-urlencoded';
    return body;
  }
  if (!hasType) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

/** axios's `params`: undefined values are left out, the rest appended to any query the URL has. */
function pathWithQuery(url: URL, query: HttpRequest['query']): string {
  let path = url.pathname + url.search;
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  if (text) path += (url.search ? '&' : '?') + text;
  return path;
}

function parseBody(data: string): unknown {
  if (data === '') return null;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function normalizeHeaders(headers: Record<string, string | string[] | undefined>): HttpResponse['headers'] {
  const out: HttpResponse['headers'] = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}

/**
 * Whether the vendor could have acted, with the axios transport's kinds: refused
 * connections (and names that do not resolve) never reached it; a timeout counts as sent
 * (the request may have been written), and so does a reset or a socket closed under it.
 */
export function toUndiciTransportError(error: NodeJS.ErrnoException, timedOutAfterMs: number | null): TransportError {
  const code = error.code ?? '';
  const message = error.message;
  if (code === ADDRESS_REFUSED_CODE) return new TransportError(message, false, 'refused');
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new TransportError(message, false, 'refused');
  // axios's wording, which the logs and the tests already know.
  if (timedOutAfterMs !== null) return new TransportError(`timeout of ${timedOutAfterMs}ms exceeded`, true, 'timeout');
  if (/^(UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT|ETIMEDOUT)$/.test(code))
    return new TransportError(message, true, 'timeout');
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET')
    return new TransportError(message, true, 'reset');
  return new TransportError(message, true, 'other');
}
