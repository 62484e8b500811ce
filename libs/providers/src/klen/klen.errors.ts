import type { HttpResponse, ProviderError, ProviderErrorKind } from '@switchboard/core';
import type { SecretPattern, VendorErrorTables } from '../common';
import { errorBodyObject, mapVendorError, statusText, stringField } from '../common';
import type { KlenErrorBody } from './klen.types';

/**
 * Klen's tables for the shared mapper. Its envelope has no field-level errors, so field
 * problems are derived from the codes that name a field, and renamed to the gateway's fields.
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

/** Gateway field (`POST /v1/calls` in the API reference) each field-specific Klen code is about. */
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

export const KLEN_ERROR_TABLES: VendorErrorTables = {
  provider: 'klen',
  label: 'Klen',
  envelope(body) {
    const record = errorBodyObject(body, { parseText: true }) as KlenErrorBody | null;
    return record ? { code: stringField(record.error), message: stringField(record.message) } : {};
  },
  kindByCode: KIND_BY_CODE,
  fieldByCode: FIELD_BY_CODE,
  // ⚖ `validation_error` names its field only in prose ("variables must be an object").
  fieldsFromText({ said, text }) {
    if (said.code !== 'validation_error') return [];
    const named = Object.keys(FIELD_BY_VENDOR_FIELD).find((vendorField) =>
      new RegExp(`\\b${vendorField}\\b`).test(text),
    );
    return named ? [{ field: FIELD_BY_VENDOR_FIELD[named], message: text }] : [];
  },
  keyPatterns: KEY_PATTERNS,
  fallbackText: (status, _body, said) => said.code ?? statusText(status, 'Unknown status'),
};

/**
 * A non-2xx Klen response → ProviderError. Falls back to the HTTP status text when the body
 * is not Klen's envelope. `secrets` (the api key) are scrubbed from the message.
 */
export function mapKlenError(response: HttpResponse, now: Date, secrets: readonly string[] = []): ProviderError {
  return mapVendorError(KLEN_ERROR_TABLES, response, now, secrets);
}
