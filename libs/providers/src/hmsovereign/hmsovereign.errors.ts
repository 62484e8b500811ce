import type { HttpResponse, ProviderError, ProviderErrorKind } from '@switchboard/core';
import type { SecretPattern, VendorErrorTables, VendorRequestKind, VendorSaid } from '../common';
import { describeBody, errorBodyObject, isRecord, mapVendorError, statusText, stringField as str } from '../common';
import type { HmsSovereignErrorBody } from './hmsovereign.types';

const PROVIDER = 'hmsovereign';

/** Bearer values and HMS keys, whoever's they are. */
const KEY_PATTERNS: readonly SecretPattern[] = [
  [/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  [/\bfl_(live|test)_[A-Za-z0-9_-]+/g, '[redacted]'],
];

/** Vendor field → gateway field (the API reference's names), for create-call, control and assistant bodies. */
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

export const HMS_SOVEREIGN_ERROR_TABLES: VendorErrorTables = {
  provider: PROVIDER,
  label: 'HMS Sovereign',
  envelope,
  gatewayField,
  refineKind,
  keyPatterns: KEY_PATTERNS,
  fallbackText: (status, body) => fallbackText(status, body),
  // The documented 429 body says "Please retry after 45 seconds." even when headers are missing.
  rateLimitResetFallback: resetFromText,
  codeByStatus: { 402: 'insufficient_credits' },
  // The flat envelope's code is its `error` title, which the text already starts with.
  codeInMessage: false,
};

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
  request: VendorRequestKind = {},
): ProviderError {
  return mapVendorError(HMS_SOVEREIGN_ERROR_TABLES, response, now, secrets, request);
}

function refineKind(
  base: ProviderErrorKind,
  { status, said, request }: { status: number; said: VendorSaid; request: VendorRequestKind },
): ProviderErrorKind {
  const code = (said.code ?? '').toLowerCase();
  if (code === 'rate_limit_exceeded') return 'rate_limited';
  // ⚖ 402 = out of credits (SDK InsufficientCreditsError): no retry on this connection helps
  // until someone tops up, like a bad key, so `auth` rather than `invalid_request`.
  if (status === 402 || code.includes('credit')) return 'auth';
  // Control commands on a call that is not `in-progress` get 400; the gateway answers 409 for that.
  if (status === 400 && /not (active|in[ -_]?progress|live)/i.test(said.message ?? '')) return 'conflict';
  // Any other 400 to a control command is the call not taking it yet, unless it names a field:
  // that is the field refused (a transfer `destination`), a validation error like any other.
  if (status === 400 && request.controlRequest && !said.param && !said.fields) return 'conflict';
  return base;
}

function envelope(body: unknown): VendorSaid {
  const record = errorBodyObject(body, { parseText: false });
  if (!record) return {};
  const value = record as HmsSovereignErrorBody & { errors?: unknown };
  const fields = isRecord(value.errors) ? value.errors : undefined;
  if (isRecord(value.error)) {
    const nested = value.error;
    return {
      code: str(nested.code) ?? str(nested.type),
      message: str(nested.message) ?? str(value.message),
      param: str(nested.param) ?? str(value.param),
      fields,
    };
  }
  const title = str(value.error);
  const message = str(value.message);
  return {
    // The flat `error` is prose ("Unauthorized", sometimes longer): a code only when it looks like one.
    code: str(value.type) ?? (title && /^[A-Za-z0-9_]{1,64}$/.test(title) ? title : undefined),
    message: title && message ? `${title}: ${message}` : (message ?? title),
    param: str(value.param),
    fields,
  };
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
