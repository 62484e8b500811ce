import type { CallStatus, EndReason } from '@switchboard/core';
import { endReasonFor } from '@switchboard/core';

/** Klen's documented `call.failed` reasons (Twilio names underneath), after lower-case and `-` → `_`. */
const REASONS: Record<string, EndReason> = {
  no_answer: 'no_answer',
  busy: 'busy',
  rejected: 'rejected',
  canceled: 'canceled',
  cancelled: 'canceled',
  invalid_number: 'invalid_number',
  // ⚖ "ended prematurely": the vendor cut the call short, whatever was said before.
  disconnected: 'provider_error',
  twilio_failed_to_connect_call: 'provider_error',
  failed: 'provider_error',
};

/**
 * Klen `failure_reason` (+ the call's normalized status) → the gateway's end reason. Null
 * while the call is live; no reason (a `completed` call, or a bare `failed` read over
 * REST) says what the status says; an undocumented reason is `unknown`. Never throws.
 */
export function mapKlenEndReason(failureReason: unknown, status: CallStatus): EndReason | null {
  const reason = typeof failureReason === 'string' ? failureReason.trim().toLowerCase().replace(/-/g, '_') : '';
  if (!reason) return endReasonFor(status, null);
  return endReasonFor(status, REASONS[reason] ?? 'unknown');
}
