import { HttpRequest, HttpResponse, HttpTransport, TransportError } from '@switchboard/core';
import type { AxiosError, AxiosInstance } from 'axios';

/**
 * HttpTransport over an axios instance (in the app: @nestjs/axios's HttpService.axiosRef,
 * with keep-alive agents). Every status resolves; only a missing response rejects.
 */
export function createAxiosTransport(axios: AxiosInstance, defaultTimeoutMs = 10_000): HttpTransport {
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      try {
        const response = await axios.request({
          method: request.method,
          url: request.url,
          headers: { Accept: 'application/json', ...(request.headers ?? {}) },
          params: request.query,
          data: request.body,
          timeout: request.timeoutMs ?? defaultTimeoutMs,
          // A redirected POST may be replayed as a GET (or re-sent): follow redirects on reads only.
          maxRedirects: request.method === 'GET' ? 3 : 0,
          validateStatus: () => true,
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
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError(error.message, false, 'refused');
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(error.message)) return new TransportError(error.message, true, 'timeout');
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(error.message)) return new TransportError(error.message, true, 'reset');
  return new TransportError(error.message, true, 'other');
}
