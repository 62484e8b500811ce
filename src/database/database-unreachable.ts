/**
 * Whether an error means "the database cannot be reached right now" rather than "this
 * statement is wrong": the first is an outage (503, retry later), the second a bug (500).
 * TypeORM wraps driver errors (`driverError`), pg-pool chains them (`cause`) and Node's
 * connect to several addresses throws an AggregateError, so the whole chain is looked at.
 */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** SQLSTATEs of a server that is going away or not yet there (class 08: connection exceptions). */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** pg and pg-pool say these without a code. */
const MESSAGES = [
  'connection terminated',
  'timeout exceeded when trying to connect',
  'client has encountered a connection error and is not queryable',
  'query read timeout',
  'timeout expired',
];

export function isDatabaseUnreachable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (matches(current as Record<string, unknown>)) return true;
    const { driverError, cause, errors } = current as { driverError?: unknown; cause?: unknown; errors?: unknown };
    pending.push(driverError, cause);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return false;
}

function matches(error: Record<string, unknown>): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  const message = typeof error.message === 'string' ? error.message.toLowerCase() : '';
  return MESSAGES.some((m) => message.startsWith(m));
}
