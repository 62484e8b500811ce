/**
 * Contract error codes (the error catalog, src/common/openapi.ts). HTTP statuses live in one place in src/common;
 * the domain only says what went wrong. A list, not only a type, so the API reference can
 * publish the catalog.
 */
export const ERROR_CODES = [
  'invalid_json',
  'invalid_request',
  'payload_too_large',
  'request_timeout',
  'uri_too_long',
  'headers_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'idempotency_in_progress',
  'validation_failed',
  'idempotency_key_reused',
  'capability_unsupported',
  'rate_limited',
  'provider_error',
  'providers_unavailable',
  'provider_timeout',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  field: string;
  message: string;
}

export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends GatewayError {
  constructor(resource: string, id: string) {
    super('not_found', `No ${resource} with id '${id}'.`);
  }
}

export class ConflictError extends GatewayError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class ValidationFailedError extends GatewayError {
  constructor(readonly problems: FieldProblem[]) {
    super(
      'validation_failed',
      problems.length === 1
        ? `Invalid value for '${problems[0].field}': ${problems[0].message}`
        : `${problems.length} fields are invalid.`,
      problems,
    );
  }
}

export class UnauthorizedError extends GatewayError {
  constructor(message = 'A valid gateway key is required: Authorization: Bearer <key>.') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends GatewayError {
  constructor(scope: string) {
    super('forbidden', `This key lacks the '${scope}' scope.`, [{ required_scope: scope }]);
  }
}

export class CapabilityUnsupportedError extends GatewayError {
  constructor(
    readonly provider: string,
    readonly capability: string,
  ) {
    // The wire speaks snake_case like the capability table in provider responses.
    const name = capability.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    super('capability_unsupported', `Provider '${provider}' does not support '${name}'.`, [
      { provider, capability: name },
    ]);
  }
}

/**
 * Every eligible connection failed or was skipped (README "Routing and failover").
 * `retryAt`: the earliest time one frees up, when a vendor or a budget said so.
 * `nothingDialed`: every attempt was refused before a vendor could have placed the call,
 * so a retry under the same Idempotency-Key may place it.
 */
export class ProvidersUnavailableError extends GatewayError {
  constructor(
    message: string,
    details: unknown[],
    readonly retryAt: Date | null,
    readonly nothingDialed: boolean,
  ) {
    super('providers_unavailable', message, details);
  }
}

/**
 * A dependency of the gateway itself (its database, a shared store) cannot be reached: not a
 * bug and not the client's doing, so 503 with a time to come back instead of 500.
 */
export class UnavailableError extends GatewayError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('unavailable', message);
  }
}
