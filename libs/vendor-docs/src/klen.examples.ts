/**
 * Klen's documented example payloads, verbatim (docs/vendors/klen.md).
 * Data only: shared by the adapter tests and the simulator contract tests.
 */

/** docs/vendors/klen.md § Endpoints › GET /api/v1/calls — list calls, the documented 200 answer. */
export const listCallsResponse = {
  count: 3,
  page: 1,
  limit: 2,
  pages: 2,
  calls: [
    {
      id: 'call_a1b2',
      agent_id: 'assistant_777',
      agent_name: 'Renewals Bot',
      status: 'completed',
      type: 'outbound',
      phone_number: '+15550004444',
      started_at: '2025-05-02T10:00:00Z',
      ended_at: '2025-05-02T10:03:10Z',
      duration_seconds: 190,
      summary: 'Customer agreed to renew.',
      recording_url: 'https://storage.example.com/recordings/call_a1b2.mp3',
      contact: { id: 55, name: 'Ana Ruiz', email: 'ana@example.com', company: 'Ruiz LLC' },
    },
  ],
};

/** docs/vendors/klen.md § Endpoints › POST /api/v1/calls — initiate an outbound call, an answer written for the project. */
export const createCallResponse = {
  id: 901,
  call_id: 'call_x9y8',
  status: 'queued',
  type: 'outbound',
  phone_number: '+15550004444',
  agent: { id: 12, name: 'Renewals Bot', assistant_id: 'assistant_777' },
  created_at: '2025-05-02T09:59:50Z',
  estimated_start: '2025-05-02T09:59:55Z',
};

/** docs/vendors/klen.md § Endpoints › GET /api/v1/calls/{call_id} — call detail, response 200. */
export const callDetailResponse = {
  id: 901,
  agent: { id: 12, name: 'Renewals Bot', assistant_id: 'assistant_777' },
  call_id: 'call_x9y8',
  status: 'completed',
  type: 'outbound',
  phone_number: '+15550004444',
  started_at: '2025-05-02T10:00:00Z',
  ended_at: '2025-05-02T10:03:10Z',
  duration_seconds: 190,
  summary: 'Customer agreed to renew.',
  transcript: 'Agent: Hi Ana… Customer: Yes…',
  recording_url: 'https://storage.example.com/recordings/call_x9y8.mp3',
  contact: {
    id: 55,
    name: 'Ana Ruiz',
    email: 'ana@example.com',
    company: 'Ruiz LLC',
    status: 'contacted',
    stage: 'qualified_lead',
    last_call_date: '2025-05-02T10:03:10Z',
  },
  team: { id: 3, name: 'Retention' },
  billing: { status: 'billed', initial_charge: 0.5, final_charge: 0.95, total_charge: 0.95 },
};

/** docs/vendors/klen.md § Errors — the flat envelope example (`invalid_key`). */
export const invalidKeyError = { error: 'invalid_key', message: 'Invalid or inactive API key' };

/** docs/vendors/klen.md § Gaps — the 429 body default. */
export const rateLimitedError = { error: 'rate_limit_exceeded', message: 'Rate limit exceeded' };

/** docs/vendors/klen.md § Webhooks — the common payload (field names as documented, values written for the project), for `call.ended`. */
export const callEndedWebhook = {
  event_type: 'call.ended',
  call: {
    id: 901,
    klen_call_id: 'call_x9y8',
    agent_id: 12,
    agent_name: 'Renewals Bot',
    status: 'completed',
    type: 'outbound',
    phone_number: '+15550004444',
    started_at: '2025-05-02T10:00:00Z',
    ended_at: '2025-05-02T10:03:10Z',
    duration_seconds: 190,
    summary: 'Customer agreed to renew.',
    duration: 190,
  },
  timestamp: '2025-05-02T10:03:13Z',
};

/** The `call.failed` reasons Klen documents (docs/vendors/klen.md § Statuses). */
export const failureReasons = [
  'twilio-failed-to-connect-call',
  'no-answer',
  'busy',
  'disconnected',
  'invalid-number',
  'rejected',
  'canceled',
  'failed',
] as const;
