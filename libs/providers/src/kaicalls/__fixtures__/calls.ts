/**
 * KaiCalls call payloads copied from shared/vendors/kaicalls.md (seed 004 examples; the
 * `…` in ids is the docs' own elision). Where the notes list fields without an example,
 * the object is built from that list with the example values, and says so.
 */

/** `POST /api/v1/calls` request example ("own" example in the notes). */
export const createCallRequest = {
  agent_id: '5f0c…-agent',
  to: '+15125550100',
  name: 'Dana',
  context: 'Confirm Friday delivery window',
  webhook_url: 'https://gw.example.com/hooks/kaicalls',
  max_duration: 300,
};

/** 201 answer to `POST /api/v1/calls`. */
export const createCallResponse = {
  id: 'c1a2…-call',
  conversation_id: 'vapi-conv-123',
  status: 'queued',
  agent_id: '5f0c…-agent',
  to: '+15125550100',
  name: 'Dana',
  created_at: '2026-02-15T14:30:00Z',
};

/** `GET /api/v1/calls` page (seed). */
export const listCallsResponse = {
  calls: [
    {
      id: 'c1a2…-call',
      conversation_id: 'vapi-conv-123',
      status: 'completed',
      duration: 127,
      agent_id: '5f0c…-agent',
      agent_name: 'Kai',
      created_at: '2026-02-15T14:30:00Z',
    },
  ],
  has_more: true,
};

/** A list row with the quickstart's extra `direction` and `summary`. */
export const quickstartListRow = {
  ...listCallsResponse.calls[0],
  direction: 'outbound',
  summary: 'Delivery window confirmed.',
};

/**
 * `GET /api/v1/calls?id=…` (bare object). The notes list the fields, not an example: values
 * are the examples' own (duration, summary, recording URL from the `call.completed` webhook).
 */
export const callDetail = {
  id: 'c1a2…-call',
  conversation_id: 'vapi-conv-123',
  status: 'completed',
  direction: 'outbound',
  duration: 127,
  agent_id: '5f0c…-agent',
  agent_name: 'Kai',
  business_id: 'uuid-business456',
  lead_id: null,
  summary: 'Delivery window confirmed.',
  recording_url: 'https://…',
  quality_dimensions: { professionalism: 92, empathy: 88, information_gathering: 79, resolution: 95 },
  created_at: '2026-02-15T14:30:00Z',
};

/** `call.completed` per-call webhook. */
export const callCompletedEvent = {
  event: 'call.completed',
  call_id: 'c1a2…-call',
  status: 'completed',
  duration: 127,
  recording_url: 'https://…',
  summary: 'Delivery window confirmed.',
  timestamp: '2026-02-15T14:32:12Z',
};

/** `call.failed` per-call webhook (the only documented `error` value). */
export const callFailedEvent = {
  event: 'call.failed',
  call_id: 'c1a2…-call',
  status: 'failed',
  error: 'no_answer',
  timestamp: '2026-02-15T14:31:00Z',
};

/** `GET /api/v1/usage` row shape (seed field list; values: the usage-log example's create request). */
export const usageResponse = {
  usage: [
    { id: 'uuid-usage1', endpoint: '/v1/calls', method: 'POST', status_code: 201, call_id: 'c1a2…-call', cost_cents: 36, created_at: '2026-02-15T14:30:00Z' },
    { id: 'uuid-usage2', endpoint: '/v1/calls', method: 'GET', status_code: 200, call_id: 'c1a2…-call', cost_cents: 0, created_at: '2026-02-15T14:33:00Z' },
    { id: 'uuid-usage3', endpoint: '/v1/agents', method: 'GET', status_code: 200, call_id: null, cost_cents: 0, created_at: '2026-02-15T14:34:00Z' },
  ],
  has_more: false,
};
