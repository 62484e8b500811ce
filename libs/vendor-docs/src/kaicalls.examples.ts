/**
 * KaiCalls' documented example payloads, verbatim from the vendor notes (seed 004;
 * the "…" in ids is the notes' own elision). Data only: shared by the adapter tests and the
 * simulator contract tests.
 */

/** kaicalls.md § Endpoints › POST /api/v1/calls — outbound call, "request (own)". */
export const createCallRequest = {
  agent_id: '5f0c…-agent',
  to: '+15125550100',
  name: 'Dana',
  context: 'Confirm Friday delivery window',
  webhook_url: 'https://gw.example.com/hooks/kaicalls',
  max_duration: 300,
};

/** kaicalls.md § Endpoints › POST /api/v1/calls — outbound call, "201 response (own)". */
export const createCallResponse = {
  id: 'c1a2…-call',
  conversation_id: 'vapi-conv-123',
  status: 'queued',
  agent_id: '5f0c…-agent',
  to: '+15125550100',
  name: 'Dana',
  created_at: '2026-02-15T14:30:00Z',
};

/** kaicalls.md § Endpoints › GET /api/v1/calls — list. */
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

/** kaicalls.md § Errors — the nested envelope example (`forbidden`). */
export const forbiddenError = { error: { code: 'forbidden', message: 'API key lacks calls:write scope' } };

/** kaicalls.md § Gaps — "404 for unknown `?id=`" default. */
export const notFoundError = { error: { code: 'not_found', message: 'Call not found' } };

/** kaicalls.md § Webhooks — `call.completed`. */
export const callCompletedWebhook = {
  event: 'call.completed',
  call_id: 'c1a2…-call',
  status: 'completed',
  duration: 127,
  recording_url: 'https://…',
  summary: 'Delivery window confirmed.',
  timestamp: '2026-02-15T14:32:12Z',
};

/** kaicalls.md § Webhooks — `call.failed`. */
export const callFailedWebhook = {
  event: 'call.failed',
  call_id: 'c1a2…-call',
  status: 'failed',
  error: 'no_answer',
  timestamp: '2026-02-15T14:31:00Z',
};
