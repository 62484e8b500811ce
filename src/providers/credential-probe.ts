import type { GatewayError, ProviderError } from '@switchboard/core';
import { ProvidersUnavailableError, ValidationFailedError } from '@switchboard/core';

/**
 * What the vendor's answer to the credential check of a new connection means (pure):
 * - the key refused (401/403) → 422 on `credentials.api_key`;
 * - the vendor unreachable, failing or rate limiting → 503 `providers_unavailable` (with the
 *   vendor's reset as Retry-After), since nothing could be checked;
 * - nothing at that address (404) → 422 on `base_url`;
 * - anything else (an account out of credit, a request the vendor did not like) says the key
 *   was recognized: null, the connection is stored.
 * Whatever the refusal, nothing is stored; the message tells how to store it unchecked.
 */
export function verdictOnProbe(error: ProviderError): GatewayError | null {
  const status = error.status ? ` (HTTP ${error.status}${error.vendorCode ? ` ${error.vendorCode}` : ''})` : '';
  if (error.refusedCredentials) {
    return new ValidationFailedError([
      { field: 'credentials.api_key', message: `${error.provider} refused this key${status}; nothing was stored` },
    ]);
  }
  if (error.kind === 'retryable' || error.kind === 'ambiguous' || error.kind === 'rate_limited') {
    return new ProvidersUnavailableError(
      `${error.provider} could not check the credentials${status}: ${error.message} Nothing was stored; retry, or send "verify": false to store the connection unchecked.`,
      [
        {
          provider: error.provider,
          provider_status: error.status ?? null,
          provider_error_code: error.vendorCode ?? null,
        },
      ],
      error.resetAt ?? null,
      true,
    );
  }
  if (error.kind === 'not_found') {
    return new ValidationFailedError([
      {
        field: 'base_url',
        message: `${error.provider} answered 404 at this address: not the vendor's API root; nothing was stored`,
      },
    ]);
  }
  return null;
}
