import type { ProviderError } from '@switchboard/core';

/**
 * What the dispatcher does after a failed create at one connection (README "Routing and
 * failover"):
 * - `skip`: the gateway refused itself (circuit open, budget spent) — the vendor was not asked;
 * - `next`: the vendor provably did not place the call (refused connection, 5xx, 429) — try
 *   the next connection;
 * - `look_up`: the request was sent and no answer came — the call may exist, so it is looked
 *   up at that vendor before anything else is dialed;
 * - `stop`: the vendor refused the call itself (validation, auth, …) — another vendor would
 *   be asked the same wrong thing, so the vendor's message goes back to the client.
 */
export type AttemptDecision = 'skip' | 'next' | 'look_up' | 'stop';

export function decideAfter(error: ProviderError): AttemptDecision {
  if (error.local) return 'skip';
  switch (error.kind) {
    case 'rate_limited':
    case 'retryable':
      return 'next';
    case 'ambiguous':
      return 'look_up';
    default:
      return 'stop';
  }
}

/** The code an attempt is recorded with: the vendor's own when it gave one, else the kind. */
export function attemptErrorCode(error: ProviderError): string {
  return error.vendorCode ?? error.kind;
}
