/**
 * Kalem's documented example payloads (docs/vendors/kalem.md). Ids the examples shorten
 * with "…" are written out in full where a full id is needed (the batch example keeps the
 * examples' own "…-0001"). Assumed payloads are labelled so.
 * Data only: shared by the adapter tests and the simulator contract tests.
 */

/** docs/vendors/kalem.md § Endpoints › The Call object, an example written for the project. */
export const callObject = {
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

/** docs/vendors/kalem.md § Endpoints › POST /api/v1/calls, a request written for the project. */
export const createCallRequest = {
  to_number: '+15550001111',
  agent_id: 3,
  number_id: 7,
  trunk_id: 2,
  record: false,
  metadata: { crm_ticket: 'T-1009' },
  call_status_webhook_url: 'https://gw.example.com/hooks/kalem/status',
  call_status_webhook_headers: [{ key: 'X-Switchboard-Token', value: 's3cr3t' }],
};

/** docs/vendors/kalem.md § Endpoints › POST /api/v1/calls, the 201 example (one number). */
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

/** docs/vendors/kalem.md § Endpoints › POST /api/v1/calls, the 201 example (an array of two). */
export const createBatchResponse = {
  message: '2 calls initiated successfully',
  data: [
    {
      call_id: '…-0001',
      status: 'pending',
      to_number: '+15550001111',
      from_number: '+15550002222',
      agent: 'Billing Assistant',
    },
    {
      call_id: '…-0002',
      status: 'pending',
      to_number: '+15550003333',
      from_number: '+15550002222',
      agent: 'Billing Assistant',
    },
  ],
};

/** docs/vendors/kalem.md § Endpoints › DELETE /api/v1/calls/{callId}, the 200 body. */
export const deleteCallResponse = { message: 'Call deleted successfully.' };

/** docs/vendors/kalem.md § Endpoints › DELETE /api/v1/calls/{callId}, the body for an active call. */
export const deleteActiveCallError = {
  message: 'Cannot delete an active call. Wait for the call to complete or fail.',
};

/** docs/vendors/kalem.md § Pagination — the assumed Laravel paginator body; `data` ("Call objects") is filled by each test. */
export const listCallsPage = {
  data: [] as unknown[],
  links: {
    first: 'https://kalem.me/api/v1/calls?page=1',
    last: 'https://kalem.me/api/v1/calls?page=4',
    prev: null,
    next: 'https://kalem.me/api/v1/calls?page=2',
  },
  meta: {
    current_page: 1,
    from: 1,
    last_page: 4,
    path: 'https://kalem.me/api/v1/calls',
    per_page: 15,
    to: 15,
    total: 52,
  },
};

/** docs/vendors/kalem.md § Errors — the 422 example (E.164 destination without a trunk). */
export const trunkRequiredError = {
  message: 'A trunk is required when calling E.164 phone numbers.',
  errors: { trunk_id: ['A trunk is required when calling E.164 phone numbers.'] },
};

/** docs/vendors/kalem.md § Gaps — the 404 body default. */
export const notFoundError = { message: 'Not found.' };

/** docs/vendors/kalem.md § Rate limits — the assumed default 429 body (Laravel's throttle text). */
export const tooManyAttemptsError = { message: 'Too Many Attempts.' };

/** docs/vendors/kalem.md § Webhooks — call-status (assumed); "0d5c8f4e-…" written out as the created call's id. */
export const statusWebhook = {
  call_id: '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f',
  status: 'ringing',
  to_number: '+15550001111',
  from_number: '+15550002222',
  timestamp: '2025-03-01T09:00:02+00:00',
  metadata: { crm_ticket: 'T-1009' },
};

/** docs/vendors/kalem.md § Webhooks — post-call (assumed) as printed; "0d5c8f4e-…" written out as the created call's id. */
export const postCallWebhook = {
  call_id: '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f',
  status: 'completed',
  duration_seconds: 92,
  cost: 0.41,
  realtime_cost: 0.33,
  recording_url: 'https://…',
  hangup_cause: 'NORMAL_CLEARING',
  summary: '…',
  transcriptions: [{ role: 'agent', text: '…' }],
  metadata: { crm_ticket: 'T-1009' },
};
