import type { HttpResponse } from '@switchboard/core';
import { TransportError } from '@switchboard/core';

/**
 * What one vendor exchange says about the connection, for its circuit breaker.
 * - failure: the vendor is in trouble — no response at all (refused, reset, or a timeout,
 *   including the ambiguous one after sending), or 5xx / 408.
 * - success: the vendor answered sanely, including 4xx: a refused request or a 429 says
 *   the vendor is up (rate limits have their own handling).
 * - neutral: nothing was learned about the vendor (an error that is not a transport failure,
 *   such as a refusal by a guard further in), so it must not move the breaker either way.
 */
export type BreakerVerdict = 'failure' | 'success' | 'neutral';

export function verdictOfResponse(response: HttpResponse): BreakerVerdict {
  return response.status >= 500 || response.status === 408 ? 'failure' : 'success';
}

export function verdictOfError(error: unknown): BreakerVerdict {
  return error instanceof TransportError ? 'failure' : 'neutral';
}
