/**
 * Klen webhook bodies. `callEnded` is the documented common payload verbatim
 * (docs.klen.ai/api-reference/webhooks/call-events); the others add each event's
 * documented field. Where the notes name no field (the `call.failed` reason, the
 * transcript/recording payloads) the gaps-table defaults are used. The documented payload
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

/** `call.failed` with a reason from the documented list, in the gaps-table field `failure_reason`. */
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

/** `call.recording` after `call.ended` (gaps-table default: `call.recording_url`). */
export const callRecording = {
  event_type: 'call.recording',
  call: { ...callEnded.call, recording_url: 'https://storage.example.com/recordings/call_x9y8.mp3' },
  timestamp: '2025-05-02T10:03:20Z',
};

/** The failure reasons listed on the call-events page. */
export const KLEN_FAILURE_REASONS = failureReasons;
