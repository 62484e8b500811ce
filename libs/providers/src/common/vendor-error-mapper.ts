import type { HttpResponse, ProviderErrorKind, ProviderName } from '@switchboard/core';
import { ProviderError, resetAtFromHeaders } from '@switchboard/core';
import type { FieldError, SecretPattern } from './vendor-errors';
import { fieldErrorsFromMap, kindFromCode, scrubSecrets } from './vendor-errors';
import { sanitizeVendorText } from './vendor-text';

/**
 * The one vendor error mapper. A vendor supplies data — its envelope reader and its tables —
 * and this turns any non-2xx answer into a ProviderError the same way for all four.
 *
 * The kinds, in the words of the routing rules:
 * - `retryable` (5xx, 408, refused connections), `rate_limited` (with `resetAt` when the vendor
 *   said when), `auth` (the connection's key refused, or its account unable: 401/403/402),
 * - `invalid_request` (validation; `fieldErrors` name gateway fields), `not_found`,
 *   `conflict` (not in this state), `unsupported` (a capability), `unknown` (anything else).
 */

/** What a vendor's error body said, in the vendor's own names. */
export interface VendorSaid {
  /** The machine-readable code, when the envelope has one. */
  code?: string;
  /** The human text. */
  message?: string;
  /** A single vendor field the error is about (`param`). */
  param?: string;
  /** Laravel-style `{ field: message | [messages] }`. */
  fields?: Record<string, unknown>;
}

/** What a mapper knows besides the response: which kind of request it answered. */
export interface VendorRequestKind {
  /** A live-call control command (some vendors answer "not in this state" as a bare 400). */
  controlRequest?: boolean;
}

export interface VendorErrorTables {
  provider: ProviderName;
  /** How messages name the vendor: "Kalem answered 401: …". */
  label: string;
  /** Reads the vendor's envelope; an unknown body gives `{}`. */
  envelope(body: unknown): VendorSaid;
  /** Codes whose meaning beats the HTTP status they come with (own keys only). */
  kindByCode?: Readonly<Record<string, ProviderErrorKind>>;
  /** Codes that are about one gateway field (`invalid_phone_number` → `to`). */
  fieldByCode?: Readonly<Record<string, string>>;
  /** A vendor field name → the gateway's (the API reference's names). */
  gatewayField?(vendorField: string): string;
  /** What the status and code cannot tell: a documented message, the kind of request. */
  refineKind?(
    kind: ProviderErrorKind,
    context: { status: number; said: VendorSaid; text: string; request: VendorRequestKind },
  ): ProviderErrorKind;
  /** Field errors the vendor puts only in prose; `text` is already redacted. */
  fieldsFromText?(context: { kind: ProviderErrorKind; said: VendorSaid; text: string }): FieldError[];
  /** The vendor's key formats, scrubbed from everything a client sees. */
  keyPatterns: readonly SecretPattern[];
  /** The text when the body says nothing usable (the status text, a snippet of a text body). */
  fallbackText(status: number, body: unknown, said: VendorSaid, secrets: readonly string[]): string;
  /** A rate limit without a reset header: when the vendor documents the longest wait, or says it in text. */
  rateLimitResetFallback?(text: string, now: Date): Date | undefined;
  /** A code for statuses whose body carries none (HMS 402 → `insufficient_credits`). */
  codeByStatus?: Readonly<Record<number, string>>;
  /** Whether the vendor's code is shown in the message (false where the code repeats the text). */
  codeInMessage?: boolean;
}

const own = <T>(
  table: Readonly<Record<string | number, T>> | undefined,
  key: string | number | undefined,
): T | undefined =>
  table && key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

/**
 * A non-2xx vendor response → ProviderError. `secrets` (the connection's credentials) are
 * scrubbed from everything a client can see, whatever the vendor echoed.
 */
export function mapVendorError(
  tables: VendorErrorTables,
  response: HttpResponse,
  now: Date,
  secrets: readonly string[] = [],
  request: VendorRequestKind = {},
): ProviderError {
  const { status, body } = response;
  const redact = (text: string, max?: number) =>
    sanitizeVendorText(scrubSecrets(text, secrets), secrets, max, tables.keyPatterns);
  const said = tables.envelope(body);
  const rawText = said.message?.trim() || tables.fallbackText(status, body, said, secrets);
  const base = kindFromCode(status, said.code, tables.kindByCode ?? {});
  const kind = tables.refineKind ? tables.refineKind(base, { status, said, text: rawText, request }) : base;
  const text = redact(rawText);
  const code = said.code ? redact(said.code, 64) : own(tables.codeByStatus, status);

  const rename = tables.gatewayField ?? ((field: string) => field);
  const byCode = own(tables.fieldByCode, said.code);
  const fieldErrors: FieldError[] = [
    ...(byCode ? [{ field: byCode, message: text }] : []),
    ...(said.param ? [{ field: rename(said.param), message: text }] : []),
    ...(said.fields ? fieldErrorsFromMap(said.fields, rename) : []),
    ...(tables.fieldsFromText?.({ kind, said, text }) ?? []),
  ].map((f) => ({ field: redact(f.field, 100), message: redact(f.message) }));

  const shownCode = tables.codeInMessage !== false && said.code ? ` ${code}` : '';
  return new ProviderError({
    provider: tables.provider,
    kind,
    status,
    vendorCode: code,
    message: `${tables.label} answered ${status}${shownCode}: ${text}`,
    resetAt: resetAt(tables, kind, response, rawText, now),
    fieldErrors,
  });
}

/**
 * When to come back: `Retry-After` on a rate limit or a retryable failure; the window reset
 * (`X-RateLimit-Reset`) only on a rate limit, since it says nothing about a 5xx.
 */
function resetAt(
  tables: VendorErrorTables,
  kind: ProviderErrorKind,
  response: HttpResponse,
  text: string,
  now: Date,
): Date | undefined {
  if (kind !== 'rate_limited' && kind !== 'retryable') return undefined;
  const fromHeaders = resetAtFromHeaders(response.headers, now, { includeRateLimitReset: kind === 'rate_limited' });
  if (fromHeaders || kind !== 'rate_limited') return fromHeaders;
  return tables.rateLimitResetFallback?.(text, now);
}
