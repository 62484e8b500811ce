import type { GatewayError, ProviderError } from '@switchboard/core';
import { ProvidersUnavailableError, ValidationFailedError } from '@switchboard/core';

/**
 * What a vendor's refusal means for the client of a request other than a create (cancel,
 * control, refresh, agents, numbers, sync); creates go through routing, which already answers
 * this way. Pure: the same error always means the same thing.
 * - rate limited at the vendor, or refused here before asking it (circuit open, budget spent):
 *   the connection is unavailable for now → 503 `providers_unavailable` with the vendor's reset
 *   as `Retry-After`, as a create whose every connection was rate limited answers;
 * - the vendor refused a field of the request → 422 `validation_failed` on the gateway's field;
 * - anything else keeps its own code (502 `provider_error`, 504, 409); a refused key stays a 502
 *   whose message names the connection, never a 401/403 the client would read as its own key's.
 */
export function meaningOf(error: ProviderError): GatewayError {
  const detail = {
    connection_id: error.connectionId ?? null,
    provider: error.provider,
    provider_status: error.status ?? null,
    provider_error_code: error.vendorCode ?? null,
  };
  if (error.kind === 'rate_limited' || (error.local && error.kind === 'retryable')) {
    const which = error.connectionId
      ? `Connection ${error.connectionId} (${error.provider})`
      : `Provider ${error.provider}`;
    const why = error.local
      ? `is not being asked right now (${error.vendorCode ?? error.kind})`
      : `is rate limited by ${error.provider}`;
    return new ProvidersUnavailableError(
      `${which} ${why}; retry after the Retry-After delay. ${error.message}`,
      [detail],
      error.resetAt ?? null,
      true,
    );
  }
  if (error.kind === 'invalid_request' && error.fieldErrors.length) {
    const refusal = new ValidationFailedError(error.fieldErrors);
    refusal.details.push(detail);
    return refusal;
  }
  return error;
}
