import { CallStatus, isTerminal, nextStatus, ProviderCall } from '@switchboard/core';
import { CallEntity } from './call.entity';

export type CallEventType =
  | 'call.created'
  | `call.${CallStatus}`
  | 'call.attempt_failed'
  | 'call.recording_ready'
  | 'call.transcript_ready'
  | 'call.summary_ready'
  | 'call.updated';

export interface MergeResult {
  changes: Partial<CallEntity>;
  events: CallEventType[];
  previousStatus: CallStatus;
}

const date = (iso: string | null) => (iso ? new Date(iso) : null);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a vendor's view of a call changes in the gateway's copy, and which unified events
 * that makes. The status only moves forward (core status machine). Once the call is
 * terminal, a late report only fills fields that are still empty, so a stale view can
 * never overwrite the final facts. Pure (the clock comes in as `observedAt`): the caller
 * saves and appends.
 */
export function mergeProviderCall(current: CallEntity, vendor: ProviderCall, observedAt: Date): MergeResult {
  const changes: Partial<CallEntity> = {};
  const events: CallEventType[] = [];
  const terminal = isTerminal(current.status);
  const status = nextStatus(current.status, vendor.status);

  if (status !== current.status) {
    changes.status = status;
    events.push(`call.${status}`);
  }
  if (!terminal && vendor.providerStatus !== current.providerStatus) changes.providerStatus = vendor.providerStatus;

  const fill = <K extends keyof CallEntity>(key: K, value: CallEntity[K] | null | undefined) => {
    if (value === null || value === undefined) return;
    const existing = current[key];
    if (terminal && existing !== null && existing !== undefined) return;
    if (!same(existing, value)) changes[key] = value;
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
  fill('endedAt', date(vendor.endedAt));
  // Some vendors (KaiCalls) report no end time at all: the moment the gateway first saw the
  // call finished is the best bound there is, and better than a finished call with no end.
  if (isTerminal(status) && !terminal && !vendor.endedAt && !current.endedAt) changes.endedAt = observedAt;
  fill('endReason', vendor.endReason);
  fill('error', vendor.error);
  fill('analysis', vendor.analysis);

  const ready = (key: 'recordingUrl' | 'transcript' | 'summary', value: CallEntity[typeof key] | null, event: CallEventType) => {
    const before = current[key];
    fill(key, value);
    if (key in changes && (before === null || before === undefined)) events.push(event);
  };
  ready('recordingUrl', vendor.recordingUrl, 'call.recording_ready');
  ready('transcript', vendor.transcript?.length ? vendor.transcript : null, 'call.transcript_ready');
  ready('summary', vendor.summary, 'call.summary_ready');

  // Bookkeeping (vendor ids, raw status) is not news for consumers; facts about the call are.
  const factual = Object.keys(changes).filter((k) => !['providerStatus', 'status', 'providerCallId', 'from'].includes(k));
  if (events.length === 0 && factual.length > 0) events.push('call.updated');
  return { changes, events, previousStatus: current.status };
}
