/**
 * Kalem webhook bodies for the webhook tests. Kalem documents neither schema, so they start
 * from the assumed shapes of docs/vendors/kalem.md in @switchboard/vendor-docs (call-status and post-call) and
 * the documented Call object; status spellings follow the documented prose (`in-progress`).
 */
import type { InboundWebhookRequest } from '@switchboard/core';
import * as kalem from '@switchboard/vendor-docs/kalem.examples';

export const WEBHOOK_SECRET = 'whsec_kalem_3c9f1a7e52d84b06';

const CALL_ID = kalem.statusWebhook.call_id;
/** What the adapter puts in `metadata` on create: the caller's fields plus the gateway call id. */
const metadata = { crm_ticket: 'T-1009', switchboard_call_id: 'call_01JNXYZ' };

/** Call-status payloads, one per status the lifecycle can report. */
export const statusInitiated = {
  ...kalem.statusWebhook,
  status: 'initiated',
  timestamp: '2025-03-01T09:00:00+00:00',
  metadata,
};
/** The documented call-status example as printed (its metadata has no gateway reference). */
export const statusRinging = kalem.statusWebhook;
export const statusInProgress = {
  ...kalem.statusWebhook,
  status: 'in-progress',
  timestamp: '2025-03-01T09:00:05+00:00',
  metadata,
};
export const statusCompleted = {
  ...kalem.statusWebhook,
  status: 'completed',
  timestamp: '2025-03-01T09:01:37+00:00',
  metadata,
};
export const statusNoAnswer = {
  ...kalem.statusWebhook,
  status: 'no-answer',
  timestamp: '2025-03-01T09:00:32+00:00',
  metadata,
};
export const statusBusy = { ...kalem.statusWebhook, status: 'busy', timestamp: '2025-03-01T09:00:03+01:00', metadata };
export const statusFailed = {
  ...kalem.statusWebhook,
  status: 'failed',
  timestamp: '2025-03-01T09:00:04+00:00',
  metadata,
};

/** Post-call: the documented Call object (for the created call) + summary, transcriptions, metadata. */
export const postCallCompleted = {
  ...kalem.callObject,
  call_id: CALL_ID,
  recording_url: 'https://storage.kalem.me/recordings/0d5c8f4e.mp3',
  summary: 'Customer asked about the March invoice; agent explained the late fee.',
  transcriptions: [
    { role: 'agent', text: 'Hello, this is the billing assistant.' },
    { role: 'user', text: 'Hi, why was I charged a late fee?' },
  ],
  metadata,
};

/** The assumed post-call example exactly as printed: no times, no numbers. */
export const postCallAsPrinted = kalem.postCallWebhook;

/** An unanswered call's post-call payload: the documented nulls, an empty transcript. */
function unanswered(status: string, hangupCause: string) {
  return {
    ...postCallCompleted,
    status,
    duration_seconds: null,
    duration_minutes: null,
    cost: null,
    realtime_cost: null,
    answered_at: null,
    ended_at: '2025-03-01T09:00:32+00:00',
    recording_url: null,
    hangup_cause: hangupCause,
    summary: null,
    transcriptions: [],
  };
}

export const postCallNoAnswer = unanswered('no_answer', 'NO_ANSWER');
export const postCallBusy = unanswered('busy', 'USER_BUSY');
/** `failed` refined by its hangup cause. */
export const postCallFailedBusy = unanswered('failed', 'USER_BUSY');
export const postCallFailedNoAnswer = unanswered('failed', 'NO_USER_RESPONSE');
export const postCallFailed = unanswered('failed', 'NORMAL_TEMPORARY_FAILURE');

/** The request as the gateway receives it: Kalem's Guzzle headers plus the one set on create (null: none). */
export function kalemWebhookRequest(
  body: unknown,
  secretHeader: string | null = WEBHOOK_SECRET,
  rawBody: Buffer = Buffer.from(JSON.stringify(body)),
): InboundWebhookRequest {
  const headers: Record<string, string | undefined> = {
    'user-agent': 'GuzzleHttp/7',
    accept: 'application/json',
    'content-type': 'application/json',
  };
  if (secretHeader !== null) headers['x-switchboard-webhook-secret'] = secretHeader;
  return { headers, rawBody, pathToken: null };
}
