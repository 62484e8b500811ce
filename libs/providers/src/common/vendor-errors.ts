import { STATUS_CODES } from 'node:http';
import type { ProviderErrorKind } from '@switchboard/core';
import { kindFromStatus } from '@switchboard/core';

/**
 * The plumbing every vendor's error mapper shares. Each `<vendor>.errors.ts` keeps only its
 * envelope shape and its tables (code → kind, vendor field → gateway field, key formats) and
 * hands them to these functions.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** A key format to scrub from vendor text, and what stands in for it. */
export type SecretPattern = readonly [pattern: RegExp, replacement: string];

/**
 * The body as a JSON object, or null. `parseText`: for vendors whose error bodies may come as
 * unparsed JSON text (a wrong Content-Type); an HTML page or proxy text still gives null.
 */
export function errorBodyObject(body: unknown, { parseText }: { parseText: boolean }): Record<string, unknown> | null {
  let value = body;
  if (parseText && typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return isRecord(value) ? value : null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field's value; `nonEmpty` also turns `''` into undefined. */
export function stringField(value: unknown, { nonEmpty = true }: { nonEmpty?: boolean } = {}): string | undefined {
  return typeof value === 'string' && (!nonEmpty || value !== '') ? value : undefined;
}

/** The kind a vendor code names in the vendor's table, else the default for the status. */
export function kindFromCode(
  status: number,
  code: string | undefined,
  kindByCode: Readonly<Record<string, ProviderErrorKind>>,
): ProviderErrorKind {
  // Own keys only: a vendor code such as `constructor` must not find Object's prototype.
  const named = code && Object.prototype.hasOwnProperty.call(kindByCode, code) ? kindByCode[code] : undefined;
  return named || kindFromStatus(status);
}

/** The HTTP reason phrase, for bodies that say nothing usable. */
export function statusText(status: number, unknown: string): string {
  return STATUS_CODES[status] ?? unknown;
}

/** Removes the connection's own secrets wherever a vendor echoed them. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out;
}

/** Removes anything shaped like a key of the vendor's, whoever's it is. */
export function scrubPatterns(text: string, patterns: readonly SecretPattern[]): string {
  return patterns.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** `{ field: message | [messages] }` (Laravel-style) → field errors under the gateway's names. */
export function fieldErrorsFromMap(
  errors: Record<string, unknown>,
  gatewayField: (vendorField: string) => string,
): FieldError[] {
  const out: FieldError[] = [];
  for (const [field, messages] of Object.entries(errors)) {
    const list = Array.isArray(messages) ? messages : [messages];
    for (const message of list) if (typeof message === 'string') out.push({ field: gatewayField(field), message });
  }
  return out;
}
