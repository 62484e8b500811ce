import type { Outcome, Scenario } from '../common';

/** The call object's own spelling (underscores); list filters and webhooks spell some differently. */
export const KALEM_CALL_STATUSES = [
  'pending',
  'ringing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
] as const;
export type KalemCallStatus = (typeof KALEM_CALL_STATUSES)[number];

/** Only finished calls may be deleted; these are the ones Kalem calls "active". */
export const ACTIVE_STATUSES: readonly KalemCallStatus[] = ['pending', 'ringing', 'in_progress'];

export type WebhookMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface WebhookTarget {
  url: string;
  method: WebhookMethod;
  headers: { key: string; value: string }[];
}

/** Everything the simulator knows about one call; `toCallObject` is what the API shows. */
export interface KalemCallRecord {
  call_id: string;
  /** Creation order, to sort newest first even within one millisecond. */
  seq: number;
  created_at: Date;
  status: KalemCallStatus;
  to_number: string;
  from_number: string;
  agent_id: number;
  agent: string;
  number_id: number;
  trunk_id: number | null;
  record: boolean;
  metadata: Record<string, unknown> | null;
  post_call_webhook: WebhookTarget | null;
  call_status_webhook: WebhookTarget | null;
  started_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  hangup_cause: string | null;
  deleted: boolean;
  scenario: Scenario;
  /** The create request exactly as the client sent it (parsed JSON), for `/__sim/calls`. */
  request_body: unknown;
  batch_index: number | null;
}

export interface KalemCallObject {
  call_id: string;
  status: KalemCallStatus;
  to_number: string;
  from_number: string;
  agent: string;
  duration_seconds: number | null;
  duration_minutes: number | null;
  cost: number | null;
  realtime_cost: number | null;
  started_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  recording_url: string | null;
  hangup_cause: string | null;
}

/** Per-minute prices chosen so the documented example (92 s → 0.41 / 0.33 USD) comes out. */
const PRICE_PER_MINUTE = 0.268;
const REALTIME_PRICE_PER_MINUTE = 0.216;

/** SIP/Q.850 cause names; only NORMAL_CLEARING is documented, the rest are the standard names. */
export const HANGUP_CAUSES: Record<Outcome, string> = {
  completed: 'NORMAL_CLEARING',
  no_answer: 'NO_ANSWER',
  busy: 'USER_BUSY',
  failed: 'NORMAL_TEMPORARY_FAILURE',
};

/** Kalem prints ISO 8601 with an explicit `+00:00` offset and whole seconds. */
export function kalemTime(date: Date | null): string | null {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, '+00:00') : null;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function toCallObject(call: KalemCallRecord): KalemCallObject {
  const seconds = call.duration_seconds;
  const minutes = seconds === null ? null : round2(seconds / 60);
  const billed = call.status === 'completed' && minutes !== null;
  return {
    call_id: call.call_id,
    status: call.status,
    to_number: call.to_number,
    from_number: call.from_number,
    agent: call.agent,
    duration_seconds: seconds,
    duration_minutes: minutes,
    cost: billed ? round2(minutes * PRICE_PER_MINUTE) : null,
    realtime_cost: billed ? round2(minutes * REALTIME_PRICE_PER_MINUTE) : null,
    started_at: kalemTime(call.started_at),
    answered_at: kalemTime(call.answered_at),
    ended_at: kalemTime(call.ended_at),
    recording_url:
      call.record && call.status === 'completed' ? `https://storage.kalem.me/recordings/${call.call_id}.mp3` : null,
    hangup_cause: call.hangup_cause,
  };
}

/** The short object that create-call returns (documented 201 example). */
export function toCreatedCall(call: KalemCallRecord) {
  return {
    call_id: call.call_id,
    status: call.status,
    to_number: call.to_number,
    from_number: call.from_number,
    agent: call.agent,
  };
}
