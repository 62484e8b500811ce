import { GatewayError } from './gateway-error';

/**
 * What kind of failure a vendor answered with; the router decides on this, never on the
 * vendor's name or raw status.
 * - rate_limited: skip the connection until `resetAt`.
 * - retryable: another connection may be tried (connection refused/reset, 408, 5xx).
 * - ambiguous: the request was sent and no answer came; the call may exist, so it must be
 *   looked up, never blindly redialled.
 * - invalid_request / auth / not_found / unsupported: retrying elsewhere will not help.
 */
export type ProviderErrorKind =
  | 'rate_limited'
  | 'retryable'
  | 'ambiguous'
  | 'invalid_request'
  | 'auth'
  | 'not_found'
  | 'conflict'
  | 'unsupported'
  | 'unknown';

export interface ProviderErrorInit {
  provider: string;
  kind: ProviderErrorKind;
  message: string;
  status?: number;
  vendorCode?: string;
  resetAt?: Date;
  /** Field-level problems the vendor reported, already renamed to gateway field names. */
  fieldErrors?: { field: string; message: string }[];
  /**
   * True when the gateway itself refused before anything was sent (the connection's rate
   * budget is spent, or its circuit is open): the vendor was not asked, so routing skips it.
   */
  local?: boolean;
  cause?: unknown;
}

export class ProviderError extends GatewayError {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly vendorCode?: string;
  readonly resetAt?: Date;
  readonly fieldErrors: { field: string; message: string }[];
  readonly local: boolean;
  /** The connection whose vendor answered; adapters do not know it, so it is set where they are built. */
  connectionId?: string;

  constructor(init: ProviderErrorInit) {
    super(
      // A vendor saying "not in this state" is the contract's 409, not a provider failure.
      init.kind === 'ambiguous' ? 'provider_timeout' : init.kind === 'conflict' ? 'conflict' : 'provider_error',
      init.message,
      [{ provider: init.provider, provider_status: init.status ?? null, provider_error_code: init.vendorCode ?? null }],
    );
    this.provider = init.provider;
    this.kind = init.kind;
    this.status = init.status;
    this.vendorCode = init.vendorCode;
    this.resetAt = init.resetAt;
    this.fieldErrors = init.fieldErrors ?? [];
    this.local = init.local ?? false;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }

  /**
   * Names the connection in the error (once): its id joins the first detail, and a refused
   * key reads as the connection's credentials being refused, never as the gateway key's.
   */
  onConnection(connectionId: string): this {
    if (this.connectionId) return this;
    this.connectionId = connectionId;
    const [first, ...rest] = this.details;
    if (first && typeof first === 'object')
      this.details.splice(0, this.details.length, { connection_id: connectionId, ...first }, ...rest);
    if (this.refusedCredentials) {
      const code = this.vendorCode ? ` ${this.vendorCode}` : '';
      this.message = `${this.provider} refused the credentials of connection ${connectionId} (HTTP ${this.status}${code}); update them with PATCH /v1/providers/${connectionId}. ${this.message}`;
    }
    return this;
  }

  /** The vendor said the key itself is wrong or not allowed (not an account state such as 402). */
  get refusedCredentials(): boolean {
    return this.kind === 'auth' && (this.status === 401 || this.status === 403);
  }

  get isRetryable(): boolean {
    return this.kind === 'retryable' || this.kind === 'rate_limited';
  }
}

/** The default kind for an HTTP status when the vendor's body says nothing more useful. */
export function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'retryable';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 400) return 'invalid_request';
  return 'unknown';
}

/**
 * Reads `Retry-After` (seconds or HTTP date) or an epoch-seconds reset header into an
 * absolute time. Returns undefined when neither is usable.
 */
export function resetAtFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  now: Date,
  /** False for failures other than rate limiting: a window reset says nothing about a 5xx. */
  { includeRateLimitReset = true }: { includeRateLimitReset?: boolean } = {},
): Date | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const retryAfter = first(headers['retry-after']);
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return new Date(now.getTime() + Math.max(0, seconds) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return new Date(date);
  }
  if (!includeRateLimitReset) return undefined;
  const reset = Number(first(headers['x-ratelimit-reset']));
  if (Number.isFinite(reset) && reset > 0) {
    // Vendors send either epoch seconds or seconds-until-reset; a value below ~1e9 can only be the latter.
    return reset > 1e9 ? new Date(reset * 1000) : new Date(now.getTime() + reset * 1000);
  }
  return undefined;
}
