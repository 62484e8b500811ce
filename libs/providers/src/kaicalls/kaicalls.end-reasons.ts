import type { CallStatus, EndReason } from '@switchboard/core';
import { endReasonFor } from '@switchboard/core';

/**
 * KaiCalls' `call.failed` `error` values. Only `no_answer` is documented; `busy`, `failed` and
 * `voicemail` are the other values its notes name. KaiCalls runs on Vapi, so Vapi's
 * ended-reason names are read too (⚖: KaiCalls does not document passing them through).
 */
const ERRORS: Record<string, EndReason> = {
  no_answer: 'no_answer',
  customer_did_not_answer: 'no_answer',
  busy: 'busy',
  customer_busy: 'busy',
  failed: 'provider_error',
  call_failed: 'provider_error',
  vapi_error: 'provider_error',
  voicemail: 'voicemail',
  customer_ended_call: 'customer_hangup',
  assistant_ended_call: 'agent_hangup',
  exceeded_max_duration: 'max_duration',
};

/**
 * KaiCalls `error` (+ the call's normalized status) → the gateway's end reason. Null while
 * the call is live; no error says what the status says; an error that mentions `busy`
 * counts as busy (as the status mapping reads it); anything else is `unknown`. Never throws.
 */
export function mapKaiCallsEndReason(error: unknown, status: CallStatus): EndReason | null {
  const token =
    typeof error === 'string'
      ? error
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      : '';
  if (!token) return endReasonFor(status, null);
  const mapped = ERRORS[token] ?? (token.includes('busy') ? 'busy' : 'unknown');
  return endReasonFor(status, mapped);
}
