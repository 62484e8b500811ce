import type { HttpRequest, HttpResponse, HttpTransport } from '@switchboard/core';
import { TransportError } from '@switchboard/core';
import type { AxiosError, AxiosInstance } from 'axios';
import type { LookupFunction } from 'node:net';

/** The error code of a connection the address guard refused (nothing was sent). */
export const ADDRESS_REFUSED_CODE = 'ERR_ADDRESS_REFUSED';

/**
 * The largest vendor answer either transport holds in memory: far above any page a vendor
 * sends, and a bound on what an endpoint that never stops writing can cost.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Where the transport may connect (the gateway's SSRF rules). `lookup` resolves and checks
 * host names, and the socket connects to what it checked; IP literals never reach a lookup,
 * so `refuse` checks those before anything is sent.
 */
export interface AddressGuard {
  lookup: LookupFunction;
  /** Why this URL may not be reached, or null. */
  refuse(url: URL): string | null;
}

/**
 * HttpTransport over an axios instance (in the app: @nestjs/axios's HttpService.axiosRef,
 * with keep-alive agents). Every status resolves; only a missing response rejects.
 */
export function createAxiosTransport(
  axios: AxiosInstance,
  defaultTimeoutMs = 10_000,
  guard?: AddressGuard,
  maxResponseBytes = MAX_RESPONSE_BYTES,
): HttpTransport {
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      const refusal = guard?.refuse(new URL(request.url));
      if (refusal) throw new TransportError(`${new URL(request.url).host} ${refusal}`, false, 'refused');
      try {
        const response = await axios.request({
          method: request.method,
          url: request.url,
          headers: { Accept: 'application/json', ...(request.headers ?? {}) },
          params: request.query,
          data: request.body,
          timeout: request.timeoutMs ?? defaultTimeoutMs,
          // Never followed: a redirect would skip the address guard and carry the credential
          // to wherever the vendor (or whoever answers for it) points. A 3xx is a provider error.
          maxRedirects: 0,
          ...(guard ? { lookup: guard.lookup as never } : {}),
          validateStatus: () => true,
          maxContentLength: maxResponseBytes,
          responseType: 'text',
          transformResponse: [(data: unknown) => data],
        });
        return { status: response.status, headers: normalizeHeaders(response.headers), body: parseBody(response.data) };
      } catch (e) {
        throw toTransportError(e as AxiosError);
      }
    },
  };
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data ?? null;
  if (data === '') return null;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function normalizeHeaders(headers: unknown): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    out[key.toLowerCase()] = Array.isArray(value) ? value.map(String) : value === undefined ? undefined : String(value);
  }
  return out;
}

/** Whether the vendor could have acted: refused connections never reached it. */
export function toTransportError(error: AxiosError): TransportError {
  const code = error.code ?? '';
  if (code === ADDRESS_REFUSED_CODE) return new TransportError(error.message, false, 'refused');
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new TransportError(error.message, false, 'refused');
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(error.message))
    return new TransportError(error.message, true, 'timeout');
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(error.message))
    return new TransportError(error.message, true, 'reset');
  return new TransportError(error.message, true, 'other');
}
