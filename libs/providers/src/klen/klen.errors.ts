import { HttpResponse, ProviderError, ProviderErrorKind, resetAtFromHeaders } from '@switchboard/core';
import { errorBodyObject, kindFromCode, sanitizeVendorText, scrubPatterns, scrubSecrets, SecretPattern, statusText, stringField } from '../common';

/**
 * Klen's one error envelope is flat: `{ "error": "code", "message": "…" }`
 * (docs.klen.ai/development). It has no field-level errors, so field problems are derived
 * from the codes that name a field, and renamed to the gateway's request fields.
 */

/** Codes whose kind differs from what the HTTP status alone would say. */
const KIND_BY_CODE: Record<string, ProviderErrorKind> = {
  // ⚖ 402 "balance too low": no retry on this connection helps until someone tops it up,
  // which is an account problem like a revoked key, not a bad request.
  insufficient_funds: 'auth',
  // 403, but the key is fine: the destination is on the account's Do-Not-Call list.
  do_not_call: 'invalid_request',
  // 404, but nothing is missing from the request: the agent has no caller number assigned.
  no_phone_number: 'invalid_request',
  // 404, but it is the request that names an agent the account does not have.
  agent_not_found: 'invalid_request',
  rate_limit_exceeded: 'rate_limited',
  server_error: 'retryable',
};

/** Gateway field (API.md `POST /v1/calls`) each field-specific Klen code is about. */
const FIELD_BY_CODE: Record<string, string> = {
  missing_phone_number: 'to',
  invalid_phone_number: 'to',
  do_not_call: 'to',
  missing_agent_id: 'agent_id',
  agent_not_found: 'agent_id',
  no_phone_number: 'agent_id',
};

/** Klen's request field names → the gateway's, for `validation_error` messages that name one. */
const FIELD_BY_VENDOR_FIELD: Record<string, string> = {
  phone_number: 'to',
  agent_id: 'agent_id',
  variables: 'variables',
};

/** Klen keys look like `klen_abcdef123456789`; a message must never carry one. */
const KEY_PATTERNS: readonly SecretPattern[] = [[/klen_[A-Za-z0-9_]*\d[A-Za-z0-9_]*/g, '[redacted]']];

/** Klen's text reaches clients only sanitized and bounded (klen_ keys and the key redacted). */
function redact(text: string, secrets: readonly string[], max?: number): string {
  return sanitizeVendorText(scrubPatterns(scrubSecrets(text, secrets), KEY_PATTERNS), secrets, max);
}

function parseEnvelope(body: unknown): { code?: string; message?: string } {
  const record = errorBodyObject(body, { parseText: true });
  return record ? { code: stringField(record.error), message: stringField(record.message) } : {};
}

function fieldErrorsOf(code: string | undefined, message: string): { field: string; message: string }[] {
  const field = code && Object.prototype.hasOwnProperty.call(FIELD_BY_CODE, code) ? FIELD_BY_CODE[code] : undefined;
  if (field) return [{ field, message }];
  if (code !== 'validation_error') return [];
  // ⚖ `validation_error` names its field only in prose ("variables must be an object").
  const named = Object.keys(FIELD_BY_VENDOR_FIELD).find((vendorField) => new RegExp(`\\b${vendorField}\\b`).test(message));
  return named ? [{ field: FIELD_BY_VENDOR_FIELD[named], message }] : [];
}

/**
 * A non-2xx Klen response → ProviderError. Falls back to the HTTP status text when the body
 * is not Klen's envelope. `secrets` (the api key) are scrubbed from the message.
 */
export function mapKlenError(response: HttpResponse, now: Date, secrets: readonly string[] = []): ProviderError {
  const { code, message: vendorMessage } = parseEnvelope(response.body);
  const kind = kindFromCode(response.status, code, KIND_BY_CODE);
  const detail = redact(vendorMessage ?? code ?? statusText(response.status, 'Unknown status'), secrets);
  return new ProviderError({
    provider: 'klen',
    kind,
    status: response.status,
    vendorCode: code && redact(code, secrets, 64),
    message: `Klen answered ${response.status}${code ? ` ${redact(code, secrets, 64)}` : ''}: ${detail}`,
    resetAt: kind === 'rate_limited' ? resetAtFromHeaders(response.headers, now) : undefined,
    fieldErrors: fieldErrorsOf(code, detail),
  });
}
