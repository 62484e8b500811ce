/**
 * Small pieces of Laravel behaviour Kalem inherits: validation messages, the 422 envelope,
 * the loose integer/boolean rules and the default error texts.
 */

export type FieldErrors = Record<string, string[]>;

export class ErrorBag {
  readonly errors: FieldErrors = {};

  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  get empty(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** Laravel's displayable attribute: `to_number.0` → `to number.0`. */
export function display(field: string): string {
  return field.replace(/_/g, ' ');
}

/** 422 body: the first message plus Laravel's "(and N more errors)" suffix. */
export function validationBody(errors: FieldErrors): { message: string; errors: FieldErrors } {
  const all = Object.values(errors).flat();
  const more = all.length - 1;
  const suffix = more > 0 ? ` (and ${more} more error${more === 1 ? '' : 's'})` : '';
  return { message: `${all[0] ?? 'The given data was invalid.'}${suffix}`, errors };
}

/** Laravel's `required` fails on null, absent, blank strings and empty arrays. */
export function isMissing(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Laravel's `integer` rule also accepts integer strings such as "3". */
export function asInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** Laravel's `boolean` rule: true, false, 1, 0, "1", "0". */
export function asBoolean(value: unknown): boolean | null {
  if (value === true || value === 1 || value === '1') return true;
  if (value === false || value === 0 || value === '0') return false;
  return null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Laravel's default JSON texts for HTTP errors (production mode, no debug detail). */
export function statusMessage(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthenticated.',
    403: 'This action is unauthorized.',
    404: 'Not found.',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    413: 'Content Too Large',
    415: 'Unsupported Media Type',
    422: 'The given data was invalid.',
    429: 'Too Many Attempts.',
    500: 'Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}
