/** Normalized call statuses (the Call schema of the API reference, src/calls/call.schema.ts). */
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
  'canceled',
] as const;

export type CallStatus = (typeof CALL_STATUSES)[number];

export const TERMINAL_STATUSES: readonly CallStatus[] = ['completed', 'failed', 'no_answer', 'busy', 'canceled'];

const RANK: Record<CallStatus, number> = {
  queued: 0,
  ringing: 1,
  in_progress: 2,
  completed: 3,
  failed: 3,
  no_answer: 3,
  busy: 3,
  canceled: 3,
};

export function isCallStatus(value: unknown): value is CallStatus {
  return typeof value === 'string' && (CALL_STATUSES as readonly string[]).includes(value);
}

export function isTerminal(status: CallStatus): boolean {
  return RANK[status] === 3;
}

/**
 * What a bare `failed` may still become. Klen and KaiCalls say only `failed` when read over
 * REST; the reason (no answer, busy, canceled) arrives later in a webhook. Those are kinds
 * of failure, so a more precise report refines it once; it never becomes `completed`.
 */
const REFINES_FAILED: readonly CallStatus[] = ['no_answer', 'busy', 'canceled'];

/**
 * The status a call should have after a vendor reports `incoming`, given what the gateway
 * already knows. Vendor events arrive late and out of order, so a call only moves forward:
 * a lower-ranked report is stale, and a terminal status is absorbing — except that a bare
 * `failed` is refined by a report that says why it failed.
 */
export function nextStatus(current: CallStatus, incoming: CallStatus): CallStatus {
  if (current === 'failed' && REFINES_FAILED.includes(incoming)) return incoming;
  if (isTerminal(current)) return current;
  return RANK[incoming] > RANK[current] ? incoming : current;
}
