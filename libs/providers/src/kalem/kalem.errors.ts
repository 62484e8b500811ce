import { HttpResponse, kindFromStatus, ProviderError, ProviderErrorKind, resetAtFromHeaders } from '@switchboard/core';
import { errorBodyObject, fieldErrorsFromMap, isRecord, sanitizeVendorText, scrubPatterns, scrubSecrets, SecretPattern, statusText, stringField } from '../common';

/**
 * Kalem's one error envelope (Laravel): `{ message }`, plus `errors: { field: [messages] }`
 * on 422. There is no machine-readable code, so the kind comes from the HTTP status and,
 * where that is ambiguous, from the `errors` keys or the documented message.
 */
interface KalemErrorBody {
  message?: string;
  errors?: Record<string, string[] | string>;
}

// The one documented 422 without `errors`: deleting a live call. It is a state conflict
// (the API answers 409), not a bad request.
const ACTIVE_CALL_DELETE = /cannot delete an active call/i;

/** Sanctum tokens (`<id>|<40 chars>`) and bearer values, whoever's they are. */
const KEY_PATTERNS: readonly SecretPattern[] = [
  [/\b\d+\|[A-Za-z0-9]{20,}/g, '[redacted]'],
  [/(Bearer\s+)\S+/gi, '$1[redacted]'],
];

/**
 * Maps a non-2xx Kalem response to a ProviderError. `secrets` (the connection's api key) are
 * scrubbed from the message in case Kalem ever echoes them.
 */
export function mapKalemError(response: HttpResponse, now: Date, secrets: readonly string[] = []): ProviderError {
  const body = parseBody(response.body);
  const status = response.status;
  const vendorMessage = body?.message?.trim() || statusText(status, `HTTP ${status}`);
  const fieldErrors = body?.errors ? fieldErrorsFromMap(body.errors, gatewayField) : [];

  let kind: ProviderErrorKind = kindFromStatus(status);
  if (status === 422 && fieldErrors.length === 0 && ACTIVE_CALL_DELETE.test(vendorMessage)) kind = 'conflict';

  const resetAt =
    kind === 'rate_limited' || kind === 'retryable'
      ? resetAtFromHeaders(response.headers, now, { includeRateLimitReset: kind === 'rate_limited' })
      : undefined;
  return new ProviderError({
    provider: 'kalem',
    kind,
    status,
    message: `Kalem answered ${status}: ${redact(vendorMessage, secrets)}`,
    ...(resetAt ? { resetAt } : {}),
    fieldErrors: fieldErrors.map((f) => ({ field: redact(f.field, secrets, 100), message: redact(f.message, secrets) })),
  });
}

function parseBody(body: unknown): KalemErrorBody | null {
  // Laravel may answer JSON as text; an HTML page or proxy text gives null and the status text speaks.
  const record = errorBodyObject(body, { parseText: true });
  if (!record) return null;
  return {
    message: stringField(record.message, { nonEmpty: false }),
    errors: isRecord(record.errors) ? (record.errors as Record<string, string[] | string>) : undefined,
  };
}

/**
 * Kalem field keys (Laravel, index-suffixed for arrays: `to_number.0`) -> gateway field
 * names. The adapter always sends one destination, so any `to_number.N` is the call's `to`.
 * `number_id` and `trunk_id` come from the connection's `defaults`.
 */
export function gatewayField(vendorField: string): string {
  const [head, ...rest] = vendorField.split('.');
  switch (head) {
    case 'to_number':
      return 'to';
    case 'agent_id':
      return 'agent_id';
    case 'number_id':
      return 'defaults.number_id';
    case 'trunk_id':
      return 'defaults.trunk_id';
    case 'record':
      return 'record';
    case 'metadata':
      return ['metadata', ...rest].join('.');
    default:
      return vendorField;
  }
}

/** Kalem's text reaches clients only sanitized and bounded (Sanctum tokens and the key redacted). */
function redact(text: string, secrets: readonly string[], max?: number): string {
  return sanitizeVendorText(scrubPatterns(scrubSecrets(text, secrets), KEY_PATTERNS), secrets, max);
}
