import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { ErrorCode } from '@switchboard/core';
import { GatewayError, ProviderError, ProvidersUnavailableError, UnavailableError } from '@switchboard/core';
import { isDatabaseUnreachable } from '../database/database-unreachable';
import type { Dependency } from './outage/outage-logger';
import { meaningOf } from './provider-error-meaning';

/** The one place where contract error codes meet HTTP statuses (the error catalog, src/common/openapi.ts). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_request: 400,
  payload_too_large: 413,
  request_timeout: 408,
  uri_too_long: 414,
  headers_too_large: 431,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_in_progress: 409,
  validation_failed: 422,
  idempotency_key_reused: 422,
  capability_unsupported: 422,
  rate_limited: 429,
  provider_error: 502,
  providers_unavailable: 503,
  provider_timeout: 504,
  unavailable: 503,
  internal: 500,
};

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details: unknown[]; request_id: string };
}

export interface MappedError {
  status: number;
  body: ErrorEnvelope;
  /** True for failures the client did not cause: log them with their stack. */
  unexpected: boolean;
  /** Response headers the error itself implies (`Retry-After`). */
  headers: Record<string, string>;
  /** Set when a dependency of the gateway is down: reported to the outage log, not per request. */
  outage?: Dependency;
}

/** How long a client is asked to wait while the database is unreachable (whole seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The vendor code of a request refused because its shared rate budget could not be checked. */
export const RATE_BUDGET_UNAVAILABLE = 'rate_budget_unavailable';

/** A response decided earlier (an idempotent replay of a stored error): sent as it was. */
export class PrecomputedErrorResponse extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('precomputed error response');
  }
}

/** Fastify's own errors (body parsing happens before any Nest code runs). */
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The request body is empty but Content-Type is application/json.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['invalid_json', 'Send JSON with Content-Type: application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_json', 'Content-Length does not match the body.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is larger than this gateway accepts.'],
};

function fromHttpException(error: HttpException): [ErrorCode, string] {
  if (error instanceof ThrottlerException)
    return ['rate_limited', 'Rate limit exceeded for this key; see Retry-After.'];
  switch (error.getStatus()) {
    case 404:
    case 405:
      return ['not_found', error.message.replace(/^Cannot (\w+) /, 'No route $1 ')];
    case 413:
      return ['payload_too_large', 'The request body is larger than this gateway accepts.'];
    case 400:
      return ['invalid_json', 'The request body is not valid JSON.'];
    case 415:
      return ['invalid_json', 'Send JSON with Content-Type: application/json.'];
    case 401:
      return ['unauthorized', 'A valid gateway key is required.'];
    case 403:
      return ['forbidden', 'This key may not do that.'];
    case 429:
      return ['rate_limited', 'Rate limit exceeded.'];
    default:
      return ['internal', 'Internal error.'];
  }
}

/**
 * Turns anything thrown into the contract's envelope. Unknown errors become a generic 500
 * whose message leaks nothing (no stack, no SQL, no secrets).
 */
export function mapError(error: unknown, requestId: string, now = new Date()): MappedError {
  if (error instanceof PrecomputedErrorResponse)
    return { status: error.status, body: error.body as ErrorEnvelope, unexpected: false, headers: {} };
  const unavailable = asUnavailable(error, now);
  if (unavailable) {
    return {
      status: HTTP_STATUS.unavailable,
      body: { error: { code: 'unavailable', message: unavailable.error.message, details: [], request_id: requestId } },
      unexpected: false,
      headers: { 'Retry-After': String(unavailable.error.retryAfterSeconds) },
      outage: unavailable.outage,
    };
  }
  let code: ErrorCode = 'internal';
  let message = 'Internal error. Quote the request id when reporting it.';
  let details: unknown[] = [];
  if (error instanceof GatewayError) {
    const meant = error instanceof ProviderError ? meaningOf(error) : error;
    ({ code, message } = meant);
    details = meant.details;
  } else if (error instanceof HttpException) {
    [code, message] = fromHttpException(error);
    if (code === 'internal') message = 'Internal error. Quote the request id when reporting it.';
  } else if (isFastifyError(error) && FASTIFY_CODES[error.code]) {
    [code, message] = FASTIFY_CODES[error.code];
  }
  return {
    status: HTTP_STATUS[code],
    body: {
      error: {
        code,
        message: clamp(message, MAX_MESSAGE_LENGTH),
        details: code === 'validation_failed' ? boundedProblems(details) : details,
        request_id: requestId,
      },
    },
    unexpected: code === 'internal',
    headers: retryAfterHeader(error, now),
  };
}

/** Messages and field names can quote the client's input (a key, an id): never echo it unbounded. */
const MAX_MESSAGE_LENGTH = 500;
const MAX_FIELD_LENGTH = 200;
const MAX_PROBLEMS = 50;

const clamp = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function boundedProblems(details: unknown[]): unknown[] {
  const clamped = details.slice(0, MAX_PROBLEMS).map((d) => {
    if (!d || typeof d !== 'object') return d;
    const { field, message } = d as { field?: unknown; message?: unknown };
    return {
      ...d,
      ...(typeof field === 'string' ? { field: clamp(field, MAX_FIELD_LENGTH) } : {}),
      ...(typeof message === 'string' ? { message: clamp(message, MAX_FIELD_LENGTH) } : {}),
    };
  });
  if (details.length > MAX_PROBLEMS)
    clamped.push({ field: '…', message: `${details.length - MAX_PROBLEMS} more invalid fields not listed` });
  return clamped;
}

/**
 * The gateway's own dependencies failing: the database unreachable (whatever statement hit
 * it), or a vendor request refused because its shared budget store could not be asked.
 * Neither is a bug (500) nor the vendor's answer (502).
 */
function asUnavailable(error: unknown, now: Date): { error: UnavailableError; outage?: Dependency } | null {
  if (error instanceof UnavailableError) return { error };
  if (error instanceof ProviderError && error.local && error.vendorCode === RATE_BUDGET_UNAVAILABLE) {
    const seconds = error.resetAt
      ? Math.max(1, Math.ceil((error.resetAt.getTime() - now.getTime()) / 1000))
      : DATABASE_RETRY_AFTER_SECONDS;
    return { error: new UnavailableError(error.message, seconds) };
  }
  if (!(error instanceof GatewayError) && isDatabaseUnreachable(error)) {
    return {
      error: new UnavailableError(
        "The gateway's database is unreachable right now; retry after the Retry-After delay.",
        DATABASE_RETRY_AFTER_SECONDS,
      ),
      outage: 'database',
    };
  }
  return null;
}

/**
 * A provider that said when to come back, a spent budget that knows when it frees, or every
 * connection out until a known time: whole seconds, rounded up.
 */
function retryAfterHeader(error: unknown, now: Date): Record<string, string> {
  const at =
    error instanceof ProviderError ? error.resetAt : error instanceof ProvidersUnavailableError ? error.retryAt : null;
  if (!at) return {};
  return { 'Retry-After': String(Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000))) };
}

function isFastifyError(error: unknown): error is { code: string } {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
