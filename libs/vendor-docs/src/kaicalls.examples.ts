/**
 * KaiCalls' documented example payloads, verbatim (docs/vendors/kaicalls.md;
 * the "…" in ids is the vendor's own elision). Data only: shared by the adapter tests and the
 * simulator contract tests.
 */

/** docs/vendors/kaicalls.md § Endpoints › POST /api/v1/calls — outbound call, a request written for the project. */
export const createCallRequest = {
  agent_id: '5f0c…-agent',
  to: '+15125550100',
  name: 'Dana',
  context: 'Confirm Friday delivery window',
  webhook_url: 'https://gw.example.com/hooks/kaicalls',
  max_duration: 300,
};

/** docs/vendors/kaicalls.md § Endpoints › POST /api/v1/calls — outbound call, a 201 answer written for the project. */
export const createCallResponse = {
  id: 'c1a2…-call',
  conversation_id: 'vapi-conv-123',
  status: 'queued',
  agent_id: '5f0c…-agent',
  to: '+15125550100',
  name: 'Dana',
  created_at: '2026-02-15T14:30:00Z',
};

/** docs/vendors/kaicalls.md § Endpoints › GET /api/v1/calls — list. */
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

/** docs/vendors/kaicalls.md § Errors — the nested envelope example (`forbidden`). */
export const forbiddenError = { error: { code: 'forbidden', message: 'API key lacks calls:write scope' } };

/** docs/vendors/kaicalls.md § Gaps — the 404 default for an unknown `?id=`. */
export const notFoundError = { error: { code: 'not_found', message: 'Call not found' } };

/** docs/vendors/kaicalls.md § Webhooks — `call.completed`. */
export const callCompletedWebhook = {
  event: 'call.completed',
  call_id: 'c1a2…-call',
  status: 'completed',
  duration: 127,
  recording_url: 'https://…',
  summary: 'Delivery window confirmed.',
  timestamp: '2026-02-15T14:32:12Z',
};

/** docs/vendors/kaicalls.md § Webhooks — `call.failed`. */
export const callFailedWebhook = {
  event: 'call.failed',
  call_id: 'c1a2…-call',
  status: 'failed',
  error: 'no_answer',
  timestamp: '2026-02-15T14:31:00Z',
};
