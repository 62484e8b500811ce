/**
 * KaiCalls call payloads (docs/vendors/kaicalls.md; the vendor's examples, where the `…` in ids is
 * the docs' own elision). The documented examples come from @switchboard/vendor-docs; where the
 * notes list fields without an example, the object is built here from that list with the
 * example values, and says so.
 */
import * as kaicalls from '@switchboard/vendor-docs/kaicalls.examples';

/** `POST /api/v1/calls` request example (written for the project, docs/vendors/kaicalls.md § Endpoints). */
export const createCallRequest = kaicalls.createCallRequest;

/** 201 answer to `POST /api/v1/calls`. */
export const createCallResponse = kaicalls.createCallResponse;

/** `GET /api/v1/calls` page (seed). */
export const listCallsResponse = kaicalls.listCallsResponse;

/** A list row with the quickstart's extra `direction` and `summary`. */
export const quickstartListRow = {
  ...listCallsResponse.calls[0],
  direction: 'outbound',
  summary: 'Delivery window confirmed.',
};

/**
 * `GET /api/v1/calls?id=…` (bare object). The vendor lists the fields, not an example: values
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
export const callCompletedEvent = kaicalls.callCompletedWebhook;

/** `call.failed` per-call webhook (the only documented `error` value). */
export const callFailedEvent = kaicalls.callFailedWebhook;

/** `GET /api/v1/usage` row shape (seed field list; values: the usage-log example's create request). */
export const usageResponse = {
  usage: [
    {
      id: 'uuid-usage1',
      endpoint: '/v1/calls',
      method: 'POST',
      status_code: 201,
      call_id: 'c1a2…-call',
      cost_cents: 36,
      created_at: '2026-02-15T14:30:00Z',
    },
    {
      id: 'uuid-usage2',
      endpoint: '/v1/calls',
      method: 'GET',
      status_code: 200,
      call_id: 'c1a2…-call',
      cost_cents: 0,
      created_at: '2026-02-15T14:33:00Z',
    },
    {
      id: 'uuid-usage3',
      endpoint: '/v1/agents',
      method: 'GET',
      status_code: 200,
      call_id: null,
      cost_cents: 0,
      created_at: '2026-02-15T14:34:00Z',
    },
  ],
  has_more: false,
};
