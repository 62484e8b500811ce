import { newId } from '@switchboard/core';
import { CallEntity } from './call.entity';

/** What a call row needs from whoever first learns of it; everything else starts unknown. */
export type CallOrigin = Pick<CallEntity, 'direction' | 'provider' | 'connectionId' | 'agentId' | 'to' | 'from'> &
  Partial<
    Pick<
      CallEntity,
      | 'customer'
      | 'context'
      | 'firstMessage'
      | 'variables'
      | 'metadata'
      | 'record'
      | 'maxDurationSeconds'
      | 'webhookUrl'
      | 'createdAt'
    >
  >;

/**
 * A queued call before any vendor has said anything about it: the one place that lists a
 * call's every column, for calls the gateway places and calls it learns of from a vendor.
 * Times are set here rather than by the database, so the row needs no read-back after insert.
 * The id is minted at created_at (even for a call a vendor tells of days later), so id order
 * is created_at order: GET /v1/calls turns created_after/created_before into a range of its
 * own order key (src/calls/calls-list.query.ts) and needs no index on created_at.
 */
export function newCallEntity(origin: CallOrigin, now = new Date()): CallEntity {
  return Object.assign(new CallEntity(), {
    id: newId('call', origin.createdAt ?? now),
    status: 'queued',
    providerStatus: null,
    providerCallId: null,
    customer: null,
    context: null,
    firstMessage: null,
    variables: null,
    metadata: {},
    record: true,
    maxDurationSeconds: null,
    webhookUrl: null,
    durationSeconds: null,
    costAmount: null,
    costCurrency: null,
    startedAt: null,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    providerEndReason: null,
    error: null,
    recordingUrl: null,
    summary: null,
    transcript: null,
    analysis: null,
    attempts: [],
    warnings: [],
    syncedAt: null,
    providerObservedAt: null,
    endedAtEstimated: false,
    reconcileAt: null,
    reconcileChecks: 0,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
    ...origin,
  } satisfies Omit<CallEntity, 'direction' | 'provider' | 'connectionId' | 'agentId' | 'to' | 'from'>);
}
