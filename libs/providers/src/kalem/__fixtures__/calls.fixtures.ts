/**
 * Kalem payloads for the adapter tests. The documented examples (and the labelled assumptions
 * of docs/vendors/kalem.md) come from @switchboard/vendor-docs; what is built here on
 * top of them is this test's own.
 */
import * as kalem from '@switchboard/vendor-docs/kalem.examples';

/** The Call object example (GET /calls/{id} `data`). */
export const callCompleted = kalem.callObject;

/** GET /calls/{id} envelope. */
export const getCallResponse = { data: callCompleted };

/** Example create request body (docs/vendors/kalem.md § Endpoints). */
export const createCallRequestExample = kalem.createCallRequest;

/** 201 for a single `to_number`. */
export const createCallResponse = kalem.createCallResponse;

/** 201 for an array `to_number` (ids shortened in the example). */
export const createBatchResponse = kalem.createBatchResponse;

/** GET /calls: the assumed Laravel paginator (notes "Pagination"; inferred envelope), filled with two calls. */
export const listCallsPage1 = { ...kalem.listCallsPage, data: [callCompleted, createCallResponse.data] };

/** Call-status webhook (assumed shape, docs/vendors/kalem.md § Webhooks). */
export const statusWebhookRinging = kalem.statusWebhook;

/** Post-call webhook (assumed shape, docs/vendors/kalem.md § Webhooks), with a real recording URL, summary and transcript in place of the example's "…". */
export const postCallWebhook = {
  ...kalem.postCallWebhook,
  recording_url: 'https://storage.kalem.me/recordings/0d5c8f4e.mp3',
  summary: 'Customer asked about the March invoice; agent explained the late fee.',
  transcriptions: [
    { role: 'agent', text: 'Hello, this is the billing assistant.' },
    { role: 'user', text: 'Hi, why was I charged a late fee?' },
  ],
};

/** An unanswered call: the documented nulls (duration/cost/answered_at) with a cause. */
export function endedCall(status: string, hangupCause: string | null) {
  return {
    ...callCompleted,
    status,
    duration_seconds: null,
    duration_minutes: null,
    cost: null,
    realtime_cost: null,
    answered_at: null,
    recording_url: null,
    hangup_cause: hangupCause,
  };
}
