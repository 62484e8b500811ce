/** Every unified event type (the event catalog of the API reference, src/common/openapi.ts), for filters and the reference. */
export const EVENT_TYPES = [
  'call.created',
  'call.ringing',
  'call.in_progress',
  'call.completed',
  'call.failed',
  'call.no_answer',
  'call.busy',
  'call.canceled',
  'call.attempt_failed',
  'call.recording_ready',
  'call.transcript_ready',
  'call.summary_ready',
  'call.updated',
  'call.deleted',
] as const;

/** `call.*` style patterns → the concrete types they match; unknown names match nothing. */
export function expandEventTypes(patterns: string[]): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    if (pattern === '*') EVENT_TYPES.forEach((t) => out.add(t));
    else if (pattern.endsWith('.*'))
      EVENT_TYPES.filter((t) => t.startsWith(pattern.slice(0, -1))).forEach((t) => out.add(t));
    else out.add(pattern);
  }
  return [...out];
}
