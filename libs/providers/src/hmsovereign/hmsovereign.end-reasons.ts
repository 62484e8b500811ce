import type { CallStatus, EndReason } from '@switchboard/core';
import { endReasonFor } from '@switchboard/core';

/**
 * HMS Sovereign's `end_reason` (SDK types; values undocumented). The names below are the
 * usual ones of voice-agent platforms (⚖); anything else is `unknown`.
 */
const END_REASONS: Record<string, EndReason> = {
  customer_ended_call: 'customer_hangup',
  customer_hangup: 'customer_hangup',
  user_hangup: 'customer_hangup',
  assistant_ended_call: 'agent_hangup',
  agent_hangup: 'agent_hangup',
  assistant_hangup: 'agent_hangup',
  exceeded_max_duration: 'max_duration',
  max_duration_reached: 'max_duration',
  max_duration: 'max_duration',
  voicemail: 'voicemail',
  completed: 'completed',
  ended: 'completed',
};

/**
 * The free-text `error` of a failed dial or an `ended-with-error` call. Busy and no-answer
 * hide in it (the status mapping reads it the same way); any other text is an error the
 * vendor reported, so `provider_error`.
 */
function fromErrorText(text: string): EndReason {
  const t = text.toLowerCase().replace(/[-_]/g, ' ');
  if (t.includes('busy')) return 'busy';
  if (t.includes('no answer') || t.includes('timeout')) return 'no_answer';
  if (t.includes('declined') || t.includes('rejected')) return 'rejected';
  if (t.includes('invalid number') || t.includes('not found') || t.includes('unallocated')) return 'invalid_number';
  return 'provider_error';
}

/** What `provider_end_reason` keeps for an HMS call: its `end_reason`, else its error text. */
export function hmsSovereignRawEndReason(endReason: unknown, error: unknown): string | null {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  return str(endReason) ?? str(error);
}

/**
 * HMS `end_reason` / `error` (+ the call's normalized status) → the gateway's end reason.
 * Null while the call is live; `end_reason` wins when it is a known name, else the error
 * text decides; an unknown `end_reason` with no error is `unknown`. Never throws.
 */
export function mapHmsSovereignEndReason(endReason: unknown, error: unknown, status: CallStatus): EndReason | null {
  const name =
    typeof endReason === 'string'
      ? endReason
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      : '';
  const text = typeof error === 'string' ? error.trim() : '';
  if (name && END_REASONS[name]) return endReasonFor(status, END_REASONS[name]);
  if (text) return endReasonFor(status, fromErrorText(text));
  return endReasonFor(status, name ? 'unknown' : null);
}
