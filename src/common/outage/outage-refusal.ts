import type { ServerResponse } from 'node:http';

const OUTAGE_REFUSAL = Symbol('outage refusal');

/**
 * A response refused because a dependency is down. The outage log counts those (one line per
 * interval), so the access log skips them: a line each, with a stack, is what buried the
 * logs of the last outage.
 */
export function markOutageRefusal(response: ServerResponse): void {
  (response as ServerResponse & { [OUTAGE_REFUSAL]?: boolean })[OUTAGE_REFUSAL] = true;
}

export function isOutageRefusal(response: ServerResponse): boolean {
  return (response as ServerResponse & { [OUTAGE_REFUSAL]?: boolean })[OUTAGE_REFUSAL] === true;
}
