import type { HttpResponse, ProviderError } from '@switchboard/core';
import type { SecretPattern, VendorErrorTables } from '../common';
import { errorBodyObject, isRecord, mapVendorError, statusText, stringField } from '../common';
import type { KalemErrorBody } from './kalem.types';

/**
 * Kalem's tables for the shared mapper. Its envelope (Laravel) has no machine-readable code,
 * so the kind comes from the HTTP status and, where that is ambiguous, from the `errors` keys
 * or the documented message.
 */

// The one documented 422 without `errors`: deleting a live call. It is a state conflict
// (the API answers 409), not a bad request.
const ACTIVE_CALL_DELETE = /cannot delete an active call/i;

/** Sanctum tokens (`<id>|<40 chars>`) and bearer values, whoever's they are. */
const KEY_PATTERNS: readonly SecretPattern[] = [
  [/\b\d+\|[A-Za-z0-9]{20,}/g, '[redacted]'],
  [/(Bearer\s+)\S+/gi, '$1[redacted]'],
];

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

export const KALEM_ERROR_TABLES: VendorErrorTables = {
  provider: 'kalem',
  label: 'Kalem',
  envelope(body) {
    // Laravel may answer JSON as text; an HTML page or proxy text gives {} and the status text speaks.
    const record = errorBodyObject(body, { parseText: true });
    if (!record) return {};
    const errors = isRecord(record.errors) ? (record.errors as KalemErrorBody['errors']) : undefined;
    return { message: stringField(record.message, { nonEmpty: false }), fields: errors };
  },
  gatewayField,
  refineKind: (kind, { status, said, text }) =>
    status === 422 && !Object.keys(said.fields ?? {}).length && ACTIVE_CALL_DELETE.test(text) ? 'conflict' : kind,
  keyPatterns: KEY_PATTERNS,
  fallbackText: (status) => statusText(status, `HTTP ${status}`),
};

/**
 * Maps a non-2xx Kalem response to a ProviderError. `secrets` (the connection's api key) are
 * scrubbed from the message in case Kalem ever echoes them.
 */
export function mapKalemError(response: HttpResponse, now: Date, secrets: readonly string[] = []): ProviderError {
  return mapVendorError(KALEM_ERROR_TABLES, response, now, secrets);
}
