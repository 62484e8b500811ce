import type { CallStatus, EndReason } from '@switchboard/core';
import { endReasonFor } from '@switchboard/core';

/**
 * Kalem's `hangup_cause` is a SIP/Q.850 cause name. Only NORMAL_CLEARING is documented; the
 * others are the standard cause names a SIP trunk reports (⚖), grouped by what they mean
 * for the caller.
 */
const CAUSES: Record<string, EndReason> = {
  NORMAL_CLEARING: 'completed',
  USER_BUSY: 'busy',
  NO_ANSWER: 'no_answer',
  NO_USER_RESPONSE: 'no_answer',
  CALL_REJECTED: 'rejected',
  ORIGINATOR_CANCEL: 'canceled',
  UNALLOCATED_NUMBER: 'invalid_number',
  INVALID_NUMBER_FORMAT: 'invalid_number',
  NO_ROUTE_DESTINATION: 'invalid_number',
  NORMAL_TEMPORARY_FAILURE: 'provider_error',
  DESTINATION_OUT_OF_ORDER: 'provider_error',
  NETWORK_OUT_OF_ORDER: 'provider_error',
  NORMAL_CIRCUIT_CONGESTION: 'provider_error',
  SWITCH_CONGESTION: 'provider_error',
  RECOVERY_ON_TIMER_EXPIRE: 'provider_error',
};

/**
 * Kalem `hangup_cause` (+ the call's normalized status) → the gateway's end reason. Null
 * while the call is live; a missing cause says what the status says; an unknown cause is
 * `unknown` (the raw value is kept as `provider_end_reason`). Never throws.
 */
export function mapKalemEndReason(hangupCause: unknown, status: CallStatus): EndReason | null {
  const name = typeof hangupCause === 'string' ? hangupCause.trim().toUpperCase() : '';
  if (!name) return endReasonFor(status, null);
  return endReasonFor(status, CAUSES[name] ?? 'unknown');
}
