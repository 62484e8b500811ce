import type { CallErrorCode, CallStatus, CallWarning, EndReason, WebhookObservation } from '@switchboard/core';
import type { CallAttempt, CallEntity } from '../calls/call.entity';
import type { VendorFacts } from './call-merge';

/** Who told the ledger something about a call. */
export type ObservationSource = 'create' | 'webhook' | 'poll' | 'reconcile' | 'sync' | 'gateway';

/**
 * One report about one call, with where it came from and when. `occurredAt` is the
 * vendor's own time for it (null when the vendor gave none); `receivedAt` is when the
 * gateway got it. Events caused by it report these, not the time of the write.
 */
export interface Observation {
  source: ObservationSource;
  /** The vendor's own name for what happened (`call.ended`, `status-update`…), when there is one. */
  vendorEventType: string | null;
  occurredAt: Date | null;
  receivedAt: Date;
  /** What the vendor said about the call. */
  vendor?: VendorFacts | null;
  /** A placement attempt, appended to the call's attempts under the row lock. */
  attempt?: CallAttempt;
  /**
   * The connection the call is being placed on from now on (failover moved it). Recorded
   * before that vendor is asked, so a crash mid-create leaves the reconciler looking there.
   */
  placement?: { connectionId: string; provider: string };
  /** What the gateway itself concluded (a refusal, a call settled as lost). */
  verdict?: { status: CallStatus; endReason: EndReason; error: { code: CallErrorCode; message: string } | null };
  warnings?: CallWarning[];
}

/** The subset of a call the ledger may be asked to set besides vendor facts. */
export type LedgerChanges = Partial<CallEntity>;

/** A vendor webhook's report as the ledger takes it; `receivedAt` is when the webhook arrived. */
export function fromWebhook(observation: WebhookObservation, receivedAt: Date): Observation {
  return {
    source: 'webhook',
    vendorEventType: observation.eventType,
    occurredAt: observation.occurredAt ? new Date(observation.occurredAt) : null,
    receivedAt,
    vendor: { ...observation.call, providerCallId: observation.providerCallId },
  };
}

/** The reasons with which the gateway itself ends a call it can learn nothing more about. */
export type SettledReason = 'lost' | 'not_placed' | 'canceled' | 'unknown';

/**
 * The gateway's verdict for a call it settles itself: `canceled` when the client canceled a
 * create no vendor placed (no error: nothing failed), otherwise a failure that names why.
 */
export function settledVerdict(endReason: SettledReason, message: string): NonNullable<Observation['verdict']> {
  if (endReason === 'canceled') return { status: 'canceled', endReason, error: null };
  return { status: 'failed', endReason, error: { code: endReason, message } };
}
