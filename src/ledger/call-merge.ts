import type { CallStatus, ProviderCall } from '@switchboard/core';
import { errorCodeFor, isTerminal, mergeEndReason, nextStatus } from '@switchboard/core';
import { isDeepStrictEqual } from 'node:util';
import type { CallEntity } from '../calls/call.entity';

export type CallEventType =
  | 'call.created'
  | `call.${CallStatus}`
  | 'call.attempt_failed'
  | 'call.recording_ready'
  | 'call.transcript_ready'
  | 'call.summary_ready'
  | 'call.updated'
  | 'call.deleted';

/** What a vendor said about a call; absent or null fields are unknown, never "cleared". */
export type VendorFacts = Partial<ProviderCall>;

export interface MergeResult {
  changes: Partial<CallEntity>;
  events: CallEventType[];
  previousStatus: CallStatus;
}

const date = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

/**
 * What a vendor's view of a call changes in the gateway's copy, and which unified events
 * that makes. The status only moves forward (core status machine). A report that is
 * `stale` (older than one already applied) or arrives once the call is terminal only fills
 * fields that are still empty, so it can never overwrite newer facts. Equality is deep and
 * ignores key order (jsonb reorders keys). Pure: `observedAt` is the report's vendor time,
 * or its arrival when the vendor gave none.
 */
export function mergeProviderCall(
  current: CallEntity,
  vendor: VendorFacts,
  observedAt: Date,
  stale = false,
): MergeResult {
  const changes: Partial<CallEntity> = {};
  const events: CallEventType[] = [];
  const status = vendor.status ? nextStatus(current.status, vendor.status) : current.status;
  const statusChanged = status !== current.status;
  const fillOnly = stale || isTerminal(current.status);

  if (statusChanged) {
    changes.status = status;
    events.push(`call.${status}`);
  }
  // The raw status follows the normalized one: a stale report's raw value is not news either.
  const accepted = !vendor.status || status === vendor.status;
  if (
    vendor.providerStatus &&
    accepted &&
    (statusChanged || !fillOnly) &&
    vendor.providerStatus !== current.providerStatus
  )
    changes.providerStatus = vendor.providerStatus;

  const fill = <K extends keyof CallEntity>(key: K, value: CallEntity[K] | null | undefined, force = false) => {
    if (value === null || value === undefined) return;
    const existing = current[key];
    if (fillOnly && !force && existing !== null && existing !== undefined) return;
    // Most fields are strings and numbers: identity first, the deep comparison only for dates and objects.
    if (existing !== value && !isDeepStrictEqual(existing, value)) changes[key] = value;
  };
  fill('providerCallId', vendor.providerCallId);
  fill('from', vendor.from);
  fill('durationSeconds', vendor.durationSeconds);
  if (vendor.cost) {
    fill('costAmount', vendor.cost.amount);
    fill('costCurrency', vendor.cost.currency);
  }
  fill('startedAt', date(vendor.startedAt));
  fill('answeredAt', date(vendor.answeredAt));
  // The vendor's own end time wins over the gateway's estimate, whatever order reports came in.
  fill('endedAt', date(vendor.endedAt), current.endedAtEstimated);
  if (vendor.endedAt && current.endedAtEstimated) changes.endedAtEstimated = false;
  // Some reports (KaiCalls' REST view, Kalem's status webhook, HMS's end-of-call report) end a
  // call without an end time: the time of that report is the best bound there is, kept as an
  // estimate until a report with the vendor's own end time arrives.
  if (isTerminal(status) && !isTerminal(current.status) && !vendor.endedAt && !current.endedAt) {
    changes.endedAt = observedAt;
    changes.endedAtEstimated = true;
  }
  // The reason and its raw value move together and follow the status (core end-reason.ts):
  // a refinement (failed → busy) carries its own reason, replacing the bare failure's.
  const ended = mergeEndReason(current, status, {
    status: vendor.status,
    endReason: vendor.endReason,
    providerEndReason: vendor.providerEndReason,
  });
  if (ended.endReason !== current.endReason) changes.endReason = ended.endReason;
  if (ended.providerEndReason !== current.providerEndReason) changes.providerEndReason = ended.providerEndReason;
  // Only a failure has an error: a refinement into busy or no answer drops the bare failure's.
  if (statusChanged && status !== 'failed' && current.error) changes.error = null;
  else if (status === 'failed')
    fill('error', vendor.error, statusChanged || 'endReason' in changes || 'providerEndReason' in changes);
  // Every failure says what kind it was, even when the report that ended it carried no error.
  if (status === 'failed' && !('error' in changes ? changes.error : current.error))
    changes.error = {
      code: errorCodeFor(changes.endReason ?? current.endReason),
      message: 'The vendor reported the call failed without saying why.',
    };
  fill('analysis', vendor.analysis);

  const ready = (
    key: 'recordingUrl' | 'transcript' | 'summary',
    value: CallEntity[typeof key] | null | undefined,
    event: CallEventType,
  ) => {
    const before = current[key];
    fill(key, value);
    if (key in changes && (before === null || before === undefined)) events.push(event);
  };
  ready('recordingUrl', vendor.recordingUrl, 'call.recording_ready');
  ready('transcript', vendor.transcript?.length ? vendor.transcript : null, 'call.transcript_ready');
  ready('summary', vendor.summary, 'call.summary_ready');

  // Bookkeeping (vendor ids, raw status) is not news for consumers; facts about the call are.
  const factual = Object.keys(changes).filter(
    (k) => !['providerStatus', 'status', 'providerCallId', 'from', 'endedAtEstimated'].includes(k),
  );
  if (events.length === 0 && factual.length > 0) events.push('call.updated');
  return { changes, events, previousStatus: current.status };
}
