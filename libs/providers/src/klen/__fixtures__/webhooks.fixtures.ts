/**
 * Klen webhook bodies. `callEnded` is the documented common payload verbatim
 * (docs.klen.ai/api-reference/webhooks/call-events); the others add each event's
 * documented field. Where Klen names no field (the `call.failed` reason, the
 * transcript/recording payloads) the defaults of docs/vendors/klen.md § Gaps are used. The documented payload
 * itself comes from @switchboard/vendor-docs; the variants below are this test's own.
 */
import { callEndedWebhook, failureReasons } from '@switchboard/vendor-docs/klen.examples';

/** The documented common payload (`call.ended`). */
export const callEnded = callEndedWebhook;

/** `call.started` adds `call.assistant_id`; the call is not over yet. */
export const callStarted = {
  event_type: 'call.started',
  call: {
    ...callEnded.call,
    status: 'in-progress',
    ended_at: null,
    duration_seconds: null,
    summary: null,
    duration: null,
    assistant_id: 'assistant_777',
  },
  timestamp: '2025-05-02T10:00:00Z',
};

/** `call.failed` with a reason from the documented list, in the assumed field `failure_reason` (docs/vendors/klen.md § Gaps). */
export function callFailed(reason: string) {
  return {
    event_type: 'call.failed',
    call: {
      ...callEnded.call,
      status: 'failed',
      started_at: null,
      duration_seconds: 0,
      summary: null,
      duration: 0,
      failure_reason: reason,
    },
    timestamp: '2025-05-02T10:00:30Z',
  };
}

/** `call.recording` after `call.ended` (docs/vendors/klen.md § Gaps default: `call.recording_url`). */
export const callRecording = {
  event_type: 'call.recording',
  call: { ...callEnded.call, recording_url: 'https://storage.example.com/recordings/call_x9y8.mp3' },
  timestamp: '2025-05-02T10:03:20Z',
};

/** `call.transcript` (docs/vendors/klen.md § Gaps default: `call.transcript`, one string with speaker labels). */
export const callTranscript = {
  event_type: 'call.transcript',
  call: { ...callEnded.call, transcript: 'Agent: Hi Ana, shall I renew your plan?\nCustomer: Yes, please.' },
  timestamp: '2025-05-02T10:03:15Z',
};

/** `call.summary` (docs/vendors/klen.md § Gaps default: `call.summary`), with the contact object a linked call carries. */
export const callSummary = {
  event_type: 'call.summary',
  call: {
    ...callEnded.call,
    summary: 'Ana agreed to renew on the same terms.',
    contact: { id: 55, name: 'Ana Ruiz', email: 'ana@example.com', phone: '+15550004444', company: 'Ruiz LLC' },
  },
  timestamp: '2025-05-02T10:03:16Z',
};

/**
 * A calendar event. Its payload is not documented beyond the event names, so only the
 * common envelope keys are relied on; the `event` object is this test's own.
 */
export const calendarCreated = {
  event_type: 'calendar.created',
  event: { id: 77, title: 'Renewal follow-up', start: '2025-05-03T15:00:00Z' },
  timestamp: '2025-05-02T10:04:00Z',
};

/**
 * A known-answer vector for `X-Klen-Signature`: the signature was computed outside this code
 * base (`printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"`), so the verifier is
 * not only checked against itself.
 */
export const signedVector = {
  secret: 'whsec_3f1c9a7e5b2d4c6a8e0f1b3d5a7c9e1f',
  rawBody:
    '{"event_type":"call.ended","call":{"id":901,"klen_call_id":"call_x9y8","status":"completed"},"timestamp":"2025-05-02T10:03:13Z"}',
  signature: 'd740af4379253c5af94272c4bab020cb2b077231e592de1e8658ab665836079c',
};

/** The failure reasons listed on the call-events page. */
export const KLEN_FAILURE_REASONS = failureReasons;
