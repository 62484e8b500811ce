/**
 * Klen's own documented example bodies, copied verbatim from shared/vendors/klen.md
 * (POST /calls, GET /calls/{call_id}, GET /calls). Values are the notes' examples.
 */

/** POST /api/v1/calls response (docs.klen.ai/api-reference/calls/initiate-call). */
export const createResponse = {
  id: 901,
  call_id: 'call_x9y8',
  status: 'queued',
  type: 'outbound',
  phone_number: '+15550004444',
  agent: { id: 12, name: 'Renewals Bot', assistant_id: 'assistant_777' },
  created_at: '2025-05-02T09:59:50Z',
  estimated_start: '2025-05-02T09:59:55Z',
};

/** GET /api/v1/calls/{call_id} response (docs.klen.ai/api-reference/calls/get-call-details). */
export const callDetail = {
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

/** GET /api/v1/calls response (seed 003): the string call id is `id`, the assistant id is `agent_id`. */
export const listResponse = {
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
