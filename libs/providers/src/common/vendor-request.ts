import type { AdapterContext, HttpRequest, HttpResponse, ProviderName } from '@switchboard/core';
import { ProviderError, TransportError } from '@switchboard/core';

/** Turns a vendor's non-2xx response into a ProviderError (each vendor has its own envelope). */
export type VendorErrorMapper = (response: HttpResponse, now: Date) => ProviderError;

export interface VendorRequestOptions {
  /**
   * False for requests that act (create a call): a timeout or reset after sending is then
   * `ambiguous`, never retryable, because the vendor may already be dialing.
   */
  idempotent: boolean;
}

/** Sends one request; 2xx resolves with the response, anything else throws ProviderError. */
export async function vendorRequest(
  context: AdapterContext,
  provider: ProviderName,
  request: HttpRequest,
  mapError: VendorErrorMapper,
  options: VendorRequestOptions,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await context.http.request({ ...request, url: joinUrl(context.baseUrl, request.url) });
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    const kind = !e.sent ? 'retryable' : options.idempotent ? 'retryable' : 'ambiguous';
    throw new ProviderError({
      provider,
      kind,
      message:
        kind === 'ambiguous'
          ? `${provider} did not answer (${e.reason}) after the request was sent; the outcome is unknown.`
          : `${provider} could not be reached (${e.reason}).`,
      cause: e,
    });
  }
  if (response.status >= 200 && response.status < 300) return response;
  throw mapError(response, context.now());
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Vendors write times with offsets (`+00:00`) or without zone; the API speaks `…Z`. */
export function toIsoUtc(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  // `2025-03-01T09:00:00` has no zone: JavaScript would read local time; vendors mean UTC.
  const text =
    typeof value === 'string' && /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim()) ? `${value.trim()}Z` : value;
  const date = new Date(typeof text === 'number' && text < 1e12 ? text * 1000 : text);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
