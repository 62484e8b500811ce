import type { HttpResponse, ProviderError, ProviderErrorKind } from '@switchboard/core';
import type { SecretPattern, VendorErrorTables, VendorSaid } from '../common';
import { describeBody, mapVendorError, sanitizeVendorText, scrubSecrets, stringField } from '../common';
import type { KaiCallsErrorBody } from './kaicalls.types';

/** Codes whose meaning beats the HTTP status they come with (errors page + seed). */
const KIND_BY_CODE: Record<string, ProviderErrorKind> = {
  unauthorized: 'auth',
  forbidden: 'auth',
  not_found: 'not_found',
  invalid_request: 'invalid_request',
  bad_request: 'invalid_request',
  // Compliance blocks: another vendor would dial the same number, so never fail over on them.
  number_on_dnc: 'invalid_request',
  tcpa_violation: 'invalid_request',
  // Out of credits: waiting or retrying at this account will not help.
  payment_required: 'invalid_request',
  // The two pages disagree on the 429 code; both mean the same.
  rate_limited: 'rate_limited',
  rate_limit_exceeded: 'rate_limited',
};

/** Codes that say the destination itself is refused. */
const FIELD_BY_CODE: Record<string, string> = { number_on_dnc: 'to', tcpa_violation: 'to' };

/** KaiCalls request field -> gateway field, for create-call errors. */
export const KAICALLS_CALL_FIELDS: Record<string, string> = {
  agent_id: 'agent_id',
  to: 'to',
  name: 'customer.name',
  customer_name: 'customer.name',
  context: 'context',
  first_message: 'first_message',
  firstMessage: 'first_message',
  max_duration: 'max_duration_seconds',
  webhook_url: 'webhook_url',
};

/** KaiCalls request field -> gateway field, for agent create/update errors. */
export const KAICALLS_AGENT_FIELDS: Record<string, string> = {
  id: 'provider_agent_id',
  business_id: 'credentials.business_id',
  name: 'name',
  system_prompt: 'system_prompt',
  first_message: 'first_message',
  voice: 'voice',
  model: 'model',
  metadata: 'metadata',
};

const KEY_PATTERNS: readonly SecretPattern[] = [
  [/\bkc_(live|test)_[A-Za-z0-9_-]+/g, 'kc_$1_[redacted]'],
  [/\bBearer\s+\S+/gi, 'Bearer [redacted]'],
];

/** Keys never reach a message, even if a vendor echoes one back; and a message stays short. */
export function redactSecrets(text: string, secrets: readonly string[] = [], max?: number): string {
  return sanitizeVendorText(scrubSecrets(text, secrets), secrets, max, KEY_PATTERNS);
}

/**
 * KaiCalls reports validation problems as one message (`agent_id is required; to must be an
 * E.164 phone number`, or `Missing required fields: agent_id, to`). Each `;` part that names
 * a known request field becomes a field error under the gateway's name for it.
 */
export function fieldErrorsFromMessage(
  message: string,
  fields: Record<string, string>,
): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const part of message
    .split(/;\s*/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const missing = /^missing (?:required )?(?:fields?|parameters?)\s*:?\s*(.+)$/i.exec(part);
    const names = missing ? missing[1].split(/[,\s]+/) : [/^[`'"]?([A-Za-z_][\w.]*)[`'"]?\b/.exec(part)?.[1] ?? ''];
    for (const name of names) {
      const vendorField = name.split('.')[0];
      if (Object.prototype.hasOwnProperty.call(fields, vendorField))
        out.push({ field: fields[vendorField], message: part });
    }
  }
  return out;
}

/** KaiCalls' envelope: nested `{ error: { code, message } }` (documented) or the flat Vapi-layer form. */
function envelope(body: unknown): VendorSaid {
  // Parsed JSON only: KaiCalls answers JSON with its Content-Type, so text is never its envelope.
  if (body === null || typeof body !== 'object') return {};
  const { error, message } = body as KaiCallsErrorBody;
  const text = (value: unknown) => stringField(value, { nonEmpty: false });
  // Any object, arrays too: one under `error` is never the flat form.
  if (error && typeof error === 'object') return { code: text(error.code), message: text(error.message) };
  // Not documented for KaiCalls, but other Vapi-layer vendors answer `{error: "code", message}`.
  return { code: text(error), message: text(message) };
}

/** KaiCalls' tables for the shared mapper; `fields` names field errors (call or agent requests). */
export function kaiCallsErrorTables(fields: Record<string, string>): VendorErrorTables {
  return {
    provider: 'kaicalls',
    label: 'KaiCalls',
    envelope,
    kindByCode: KIND_BY_CODE,
    fieldByCode: FIELD_BY_CODE,
    fieldsFromText: ({ kind, said, text }) =>
      kind === 'invalid_request' &&
      said.message &&
      !(said.code && Object.prototype.hasOwnProperty.call(FIELD_BY_CODE, said.code))
        ? fieldErrorsFromMessage(text, fields)
        : [],
    keyPatterns: KEY_PATTERNS,
    fallbackText: (status, body, _said, secrets) => describeBody(body, secrets) || `HTTP ${status}`,
    // ⚖ Limits are per fixed minute; without Retry-After, one minute is the longest wait.
    rateLimitResetFallback: (_text, now) => new Date(now.getTime() + 60_000),
  };
}

/** Builds a mapper that names field errors with the given vendor -> gateway field table. */
export function createKaiCallsErrorMapper(fields: Record<string, string>) {
  const tables = kaiCallsErrorTables(fields);
  return (response: HttpResponse, now: Date, secrets: readonly string[] = []): ProviderError =>
    mapVendorError(tables, response, now, secrets);
}

/**
 * A non-2xx KaiCalls answer -> ProviderError. The kind comes from the status, refined by the
 * documented `error.code`; field errors use the create-call field names.
 */
export const mapKaiCallsError = createKaiCallsErrorMapper(KAICALLS_CALL_FIELDS);

/** Same, with agent field names (`POST`/`PATCH /agents`). */
export const mapKaiCallsAgentError = createKaiCallsErrorMapper(KAICALLS_AGENT_FIELDS);
