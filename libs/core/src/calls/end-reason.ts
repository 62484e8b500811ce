import type { CallStatus } from './call-status';
import { isTerminal } from './call-status';

/**
 * Why a call ended, in the gateway's own words: every vendor's raw value (a Q.850 cause, a
 * failure reason, free text) is mapped into this list by that vendor's adapter, and the raw
 * value is kept beside it as `provider_end_reason`. The list is closed: a consumer can
 * switch on it without knowing which vendor carried the call.
 */
export const END_REASON_DESCRIPTIONS = {
  completed: 'The call was answered and ended normally; the vendor did not say which side hung up.',
  customer_hangup: 'The called party hung up.',
  agent_hangup: 'The AI agent ended the call.',
  no_answer: 'Nobody answered.',
  busy: 'The line was busy.',
  rejected: 'The called party declined the call.',
  invalid_number: 'The number cannot be dialed (unallocated, malformed or unroutable).',
  max_duration: 'The call reached its maximum duration.',
  voicemail: 'A voicemail system answered.',
  canceled: 'The call was canceled before it was answered.',
  provider_error: 'The vendor or its carrier failed the call.',
  provider_rejected: 'The vendor refused to place the call.',
  providers_unavailable: 'No provider connection could place the call.',
  not_placed: 'The create never reached the vendor: the vendor provably has no such call.',
  lost: 'The vendor no longer knows the call (it forgot it, or never said how it ended); the gateway settled it.',
  unknown:
    'The call ended for a reason the gateway cannot name: the vendor sent a value it does not know, or the outcome stayed unknown past the reconcile bound.',
} as const;

export type EndReason = keyof typeof END_REASON_DESCRIPTIONS;
export const END_REASONS = Object.keys(END_REASON_DESCRIPTIONS) as EndReason[];

/** Reasons only the gateway gives (a verdict, not a vendor report): a vendor's later word does not replace them. */
export const GATEWAY_END_REASONS: readonly EndReason[] = [
  'provider_rejected',
  'providers_unavailable',
  'not_placed',
  'lost',
];

/**
 * `call.error.code`: set only on `failed` calls, naming the kind of failure. Also closed;
 * the vendor's own code or text stays in `provider_end_reason` and in `error.message`.
 */
export const CALL_ERROR_CODE_DESCRIPTIONS = {
  provider_error: 'The vendor failed or refused the call.',
  invalid_number: 'The number cannot be dialed.',
  providers_unavailable: 'No provider connection could place the call.',
  not_placed: 'The create never reached the vendor.',
  lost: 'The vendor no longer knows the call.',
  unknown: 'The failure has no reason the gateway can name.',
} as const;

export type CallErrorCode = keyof typeof CALL_ERROR_CODE_DESCRIPTIONS;
export const CALL_ERROR_CODES = Object.keys(CALL_ERROR_CODE_DESCRIPTIONS) as CallErrorCode[];

/** The terminal statuses each reason may accompany; `unknown` goes with any of them. */
const FITS: Record<EndReason, readonly CallStatus[]> = {
  completed: ['completed'],
  customer_hangup: ['completed', 'failed'],
  agent_hangup: ['completed', 'failed'],
  max_duration: ['completed', 'failed'],
  voicemail: ['completed', 'failed'],
  no_answer: ['no_answer'],
  busy: ['busy'],
  rejected: ['busy', 'failed'],
  invalid_number: ['failed'],
  canceled: ['canceled'],
  provider_error: ['failed'],
  provider_rejected: ['failed'],
  providers_unavailable: ['failed'],
  not_placed: ['failed'],
  lost: ['failed'],
  unknown: ['completed', 'failed', 'no_answer', 'busy', 'canceled'],
};

/** What a terminal status says by itself, when the vendor gave no reason (or one that contradicts it). */
const BY_STATUS: Partial<Record<CallStatus, EndReason>> = {
  completed: 'completed',
  failed: 'provider_error',
  no_answer: 'no_answer',
  busy: 'busy',
  canceled: 'canceled',
};

export function isEndReason(value: unknown): value is EndReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(END_REASON_DESCRIPTIONS, value);
}

export function isCallErrorCode(value: unknown): value is CallErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CALL_ERROR_CODE_DESCRIPTIONS, value);
}

/**
 * The end reason a call with `status` has, given what a vendor's value mapped to: none
 * while the call is live; the mapped reason when it fits the status; otherwise what the
 * status says by itself (the raw value stays in `provider_end_reason` either way).
 */
export function endReasonFor(status: CallStatus, mapped: EndReason | null | undefined): EndReason | null {
  if (!isTerminal(status)) return null;
  if (mapped && FITS[mapped].includes(status)) return mapped;
  return BY_STATUS[status] ?? 'unknown';
}

/** The error code of a failure with this end reason; other statuses carry no error. */
export function errorCodeFor(reason: EndReason | null): CallErrorCode {
  if (reason && isCallErrorCode(reason)) return reason;
  return 'provider_error';
}

export interface EndFacts {
  status: CallStatus;
  endReason: EndReason | null;
  providerEndReason: string | null;
}

/**
 * The end reason after a report, given the call before it and its status after the merge
 * (the status machine decided that). Pure, so the ledger's rule reads in one place:
 * - a live call has no end reason;
 * - the report that ends (or refines) the call gives its reason and raw value together;
 * - once ended, a later report of the same status only adds a vendor reason where the
 *   gateway had none from the vendor (a bare `failed` read before the webhook that says
 *   why); a gateway verdict (`lost`, `not_placed`, …) is never replaced at the same status.
 */
export function mergeEndReason(
  current: EndFacts,
  status: CallStatus,
  incoming: { status?: CallStatus; endReason?: EndReason | null; providerEndReason?: string | null },
): { endReason: EndReason | null; providerEndReason: string | null } {
  if (!isTerminal(status)) return { endReason: null, providerEndReason: null };
  const reported = incoming.status === status;
  const fromReport = () => ({
    endReason: endReasonFor(status, incoming.endReason),
    providerEndReason: incoming.providerEndReason ?? null,
  });
  if (status !== current.status)
    return reported ? fromReport() : { endReason: endReasonFor(status, null), providerEndReason: null };
  if (!current.endReason)
    return reported
      ? fromReport()
      : { endReason: endReasonFor(status, null), providerEndReason: current.providerEndReason };
  const adds =
    reported &&
    !current.providerEndReason &&
    !!incoming.providerEndReason &&
    !GATEWAY_END_REASONS.includes(current.endReason);
  return adds ? fromReport() : { endReason: current.endReason, providerEndReason: current.providerEndReason };
}
