/**
 * Kalem payloads copied from shared/vendors/kalem.md. "Documented" ones are the notes'
 * examples of the seeds' shapes; "inferred" ones are the notes' own labelled guesses.
 */

/** The Call object example (GET /calls/{id} `data`). */
export const callCompleted = {
  call_id: '7b7f2d0e-4c1a-4a53-9d0f-2f6c1f0e8a11',
  status: 'completed',
  to_number: '+15550001111',
  from_number: '+15550002222',
  agent: 'Billing Assistant',
  duration_seconds: 92,
  duration_minutes: 1.53,
  cost: 0.41,
  realtime_cost: 0.33,
  started_at: '2025-03-01T09:00:00+00:00',
  answered_at: '2025-03-01T09:00:05+00:00',
  ended_at: '2025-03-01T09:01:37+00:00',
  recording_url: 'https://storage.kalem.me/recordings/7b7f2d0e.mp3',
  hangup_cause: 'NORMAL_CLEARING',
};

/** GET /calls/{id} envelope. */
export const getCallResponse = { data: callCompleted };

/** Example request body from the notes (create). */
export const createCallRequestExample = {
  to_number: '+15550001111',
  agent_id: 3,
  number_id: 7,
  trunk_id: 2,
  record: false,
  metadata: { crm_ticket: 'T-1009' },
  call_status_webhook_url: 'https://gw.example.com/hooks/kalem/status',
  call_status_webhook_headers: [{ key: 'X-Switchboard-Token', value: 's3cr3t' }],
};

/** 201 for a single `to_number`. */
export const createCallResponse = {
  message: 'Call initiated successfully',
  data: {
    call_id: '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f',
    status: 'pending',
    to_number: '+15550001111',
    from_number: '+15550002222',
    agent: 'Billing Assistant',
  },
};

/** 201 for an array `to_number` (ids shortened in the notes). */
export const createBatchResponse = {
  message: '2 calls initiated successfully',
  data: [
    { call_id: '…-0001', status: 'pending', to_number: '+15550001111', from_number: '+15550002222', agent: 'Billing Assistant' },
    { call_id: '…-0002', status: 'pending', to_number: '+15550003333', from_number: '+15550002222', agent: 'Billing Assistant' },
  ],
};

/** GET /calls: the assumed Laravel paginator (notes "Pagination"; inferred envelope). */
export const listCallsPage1 = {
  data: [callCompleted, createCallResponse.data],
  links: {
    first: 'https://kalem.me/api/v1/calls?page=1',
    last: 'https://kalem.me/api/v1/calls?page=4',
    prev: null,
    next: 'https://kalem.me/api/v1/calls?page=2',
  },
  meta: { current_page: 1, from: 1, last_page: 4, path: 'https://kalem.me/api/v1/calls', per_page: 15, to: 15, total: 52 },
};

/** Call-status webhook (inferred by the notes). */
export const statusWebhookRinging = {
  call_id: '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f',
  status: 'ringing',
  to_number: '+15550001111',
  from_number: '+15550002222',
  timestamp: '2025-03-01T09:00:02+00:00',
  metadata: { crm_ticket: 'T-1009' },
};

/** Post-call webhook (inferred by the notes): full Call object + extras. */
export const postCallWebhook = {
  call_id: '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f',
  status: 'completed',
  duration_seconds: 92,
  cost: 0.41,
  realtime_cost: 0.33,
  recording_url: 'https://storage.kalem.me/recordings/0d5c8f4e.mp3',
  hangup_cause: 'NORMAL_CLEARING',
  summary: 'Customer asked about the March invoice; agent explained the late fee.',
  transcriptions: [
    { role: 'agent', text: 'Hello, this is the billing assistant.' },
    { role: 'user', text: 'Hi, why was I charged a late fee?' },
  ],
  metadata: { crm_ticket: 'T-1009' },
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
