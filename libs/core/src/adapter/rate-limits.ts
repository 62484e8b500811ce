import type { HttpRequest } from './provider-adapter';

/**
 * What a vendor request does, as far as the vendor's rate limits care: vendors meter call
 * creates, agent writes and live control separately from everything else (KaiCalls: 60
 * creates, 30 agent creates, 60 agent updates, 300 reads a minute). Set by each vendor
 * client; a request without one is counted as a plain request (and a GET as a read).
 */
export type VendorOperation = 'create_call' | 'create_agent' | 'update_agent' | 'control' | 'other';

/**
 * What one rate window counts:
 * - requests: every request to the vendor;
 * - reads: GET requests;
 * - calls, agent_creates, agent_updates, control: requests of that operation.
 */
export const RATE_LIMIT_SCOPES = ['requests', 'reads', 'calls', 'agent_creates', 'agent_updates', 'control'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

/** At most `limit` requests of `scope` in any interval of `windowSeconds`, per connection. */
export interface RateLimitWindow {
  scope: RateLimitScope;
  limit: number;
  windowSeconds: number;
}

const OPERATION_SCOPE: Record<VendorOperation, RateLimitScope | null> = {
  create_call: 'calls',
  create_agent: 'agent_creates',
  update_agent: 'agent_updates',
  control: 'control',
  other: null,
};

/** The scopes one request counts against: always `requests`, plus its operation's or `reads`. */
export function scopesOf(request: Pick<HttpRequest, 'method' | 'operation'>): RateLimitScope[] {
  const own = OPERATION_SCOPE[request.operation ?? 'other'] ?? (request.method === 'GET' ? 'reads' : null);
  return own ? ['requests', own] : ['requests'];
}
