import { HttpResponse, ProviderError, ProviderErrorKind, kindFromStatus, resetAtFromHeaders } from '@switchboard/core';
import { describeBody, errorBodyObject, fieldErrorsFromMap, isRecord, sanitizeVendorText, scrubPatterns, scrubSecrets, SecretPattern, statusText, stringField as str } from '../common';
import { HmsSovereignErrorBody } from './hmsovereign.types';

const PROVIDER = 'hmsovereign';

/** Bearer values and HMS keys, whoever's they are. */
const KEY_PATTERNS: readonly SecretPattern[] = [
  [/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  [/\bfl_(live|test)_[A-Za-z0-9_-]+/g, '[redacted]'],
];

/** Vendor field → gateway field (API.md names), for create-call, control and assistant bodies. */
const FIELD_NAMES: Record<string, string> = {
  destination: 'to',
  assistant_id: 'agent_id',
  agent_id: 'agent_id',
  assistant: 'agent_id',
  number_id: 'from',
  first_message: 'first_message',
  context: 'context',
  max_duration_seconds: 'max_duration_seconds',
  'assistant_override.max_duration_seconds': 'max_duration_seconds',
  metadata: 'metadata',
  'assistant_override.metadata': 'metadata',
  content: 'text',
  type: 'action',
  name: 'name',
  'llm_config.system_prompt': 'system_prompt',
  'llm_config.model': 'model',
  'tts_config.voice': 'voice',
};

interface ParsedError {
  /** `type` (SDK) or nested `code` (rate limit), else the flat `error` title. */
  code?: string;
  text?: string;
  param?: string;
  errors?: Record<string, unknown>;
}

/**
 * Non-2xx response → ProviderError. Two envelopes are documented: flat
 * `{ error: "Unauthorized", message }` (what the SDK reads, plus `type`/`param`) and nested
 * `{ error: { code, message } }` (rate limit). Anything else falls back to the status text.
 * `secrets` (the api key) are scrubbed from the message whatever the vendor echoed.
 */
export function mapHmsSovereignError(
  response: HttpResponse,
  now: Date,
  secrets: readonly string[] = [],
  { controlRequest = false }: { controlRequest?: boolean } = {},
): ProviderError {
  const status = response.status;
  const parsed = parseErrorBody(response.body);
  const kind = refineKind(kindFromStatus(status), status, parsed, controlRequest);
  const text = parsed.text ?? fallbackText(status, response.body);
  const resetAt =
    kind === 'rate_limited' || kind === 'retryable'
      ? (resetAtFromHeaders(response.headers, now, { includeRateLimitReset: kind === 'rate_limited' }) ??
        (kind === 'rate_limited' ? resetFromText(text, now) : undefined))
      : undefined;
  return new ProviderError({
    provider: PROVIDER,
    kind,
    status,
    vendorCode: (parsed.code && redact(parsed.code, secrets, 64)) ?? (status === 402 ? 'insufficient_credits' : undefined),
    message: `HMS Sovereign answered ${status}: ${redact(text, secrets)}`,
    resetAt,
    fieldErrors: fieldErrorsOf(parsed, text).map((e) => ({ field: redact(e.field, secrets, 100), message: redact(e.message, secrets) })),
  });
}

function refineKind(base: ProviderErrorKind, status: number, parsed: ParsedError, controlRequest: boolean): ProviderErrorKind {
  const code = (parsed.code ?? '').toLowerCase();
  if (code === 'rate_limit_exceeded') return 'rate_limited';
  // ⚖ 402 = out of credits (SDK InsufficientCreditsError): no retry on this connection helps
  // until someone tops up, like a bad key, so `auth` rather than `invalid_request`.
  if (status === 402 || code.includes('credit')) return 'auth';
  // Control commands on a call that is not `in-progress` get 400; the gateway answers 409 for that.
  if (status === 400 && /not (active|in[ -_]?progress|live)/i.test(parsed.text ?? '')) return 'conflict';
  if (status === 400 && controlRequest) return 'conflict';
  return base;
}

function parseErrorBody(body: unknown): ParsedError {
  const record = errorBodyObject(body, { parseText: false });
  if (!record) return {};
  const envelope = record as HmsSovereignErrorBody & { errors?: unknown };
  const errors = isRecord(envelope.errors) ? envelope.errors : undefined;
  if (isRecord(envelope.error)) {
    const nested = envelope.error;
    return {
      code: str(nested.code) ?? str(nested.type),
      text: str(nested.message) ?? str(envelope.message),
      param: str(nested.param) ?? str(envelope.param),
      errors,
    };
  }
  const title = str(envelope.error);
  const message = str(envelope.message);
  return {
    // The flat `error` is prose ("Unauthorized", sometimes longer): a code only when it looks like one.
    code: str(envelope.type) ?? (title && /^[A-Za-z0-9_]{1,64}$/.test(title) ? title : undefined),
    text: title && message ? `${title}: ${message}` : (message ?? title),
    param: str(envelope.param),
    errors,
  };
}

function fieldErrorsOf(parsed: ParsedError, text: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (parsed.param) out.push({ field: gatewayField(parsed.param), message: text });
  return [...out, ...fieldErrorsFromMap(parsed.errors ?? {}, gatewayField)];
}

/** `destination.0` / `destination[0]` → `to`; `assistant_override.metadata.crm` → `metadata`. */
export function gatewayField(vendorField: string): string {
  const path = vendorField.replace(/\[(\d+)\]/g, '.$1').replace(/\.\d+$/, '');
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const mapped = FIELD_NAMES[parts.slice(0, n).join('.')];
    if (mapped) return mapped;
  }
  return vendorField;
}

function fallbackText(status: number, body: unknown): string {
  const reason = statusText(status, 'Unknown status');
  // A short plain-text body says more than the status; HTML error pages say nothing useful.
  if (typeof body === 'string' && body.trim() !== '' && !body.trimStart().startsWith('<')) {
    return `${reason} (${describeBody(body)})`;
  }
  return reason;
}

/** The documented 429 body says "Please retry after 45 seconds." even when headers are missing. */
function resetFromText(text: string, now: Date): Date | undefined {
  const match = /retry after (\d+) seconds?/i.exec(text);
  return match ? new Date(now.getTime() + Number(match[1]) * 1000) : undefined;
}

/** The vendor's text reaches clients only sanitized and bounded (fl_ keys, bearer values and the key redacted). */
function redact(text: string, secrets: readonly string[], max?: number): string {
  // Patterns first, then the connection's own secrets (the order this vendor always used).
  return sanitizeVendorText(scrubSecrets(scrubPatterns(text, KEY_PATTERNS), secrets), secrets, max);
}
