/**
 * KaiCalls agent and number payloads (docs/vendors/kaicalls.md § Agents and numbers). The vendor gives field
 * lists, not examples; values reuse the documented example ids (`5f0c…-agent`, `uuid-…`).
 */

/** `GET /api/v1/agents`. */
export const listAgentsResponse = {
  agents: [{ id: '5f0c…-agent', name: 'Kai', business_id: 'uuid-business456', created_at: '2026-02-01T09:00:00Z' }],
};

/** `GET /api/v1/agents?id=` with the fields the SDK says a detail may also carry. */
export const agentDetail = {
  id: '5f0c…-agent',
  name: 'Kai',
  business_id: 'uuid-business456',
  vapi_assistant_id: 'vapi-asst-789',
  phone_number: '+15125550142',
  created_at: '2026-02-01T09:00:00Z',
  first_message: 'Hello! How can I help you today?',
  voice: { provider: '11labs', voiceId: 'burt' },
  model: { provider: 'openai', model: 'gpt-4.1', temperature: 0.7 },
};

/** 201 answer to `POST /api/v1/agents`. */
export const createAgentResponse = {
  id: 'uuid-agent-new',
  name: 'Dispatch',
  business_id: 'uuid-business456',
  vapi_assistant_id: 'vapi-asst-790',
  created_at: '2026-02-15T10:00:00Z',
};

/** Answer to `PATCH /api/v1/agents`. */
export const updateAgentResponse = {
  id: 'uuid-agent-new',
  name: 'Dispatch v2',
  business_id: 'uuid-business456',
  vapi_assistant_id: 'vapi-asst-790',
  updated: true,
};

/** `GET /api/v1/numbers` (seed) / `GET /api/v1/phone-numbers` (SDK, may add capabilities/compliance). */
export const listNumbersResponse = {
  numbers: [
    {
      id: 'uuid-number1',
      phone_number: '+15125550142',
      agent_id: '5f0c…-agent',
      business_id: 'uuid-business456',
      created_at: '2026-02-01T09:00:00Z',
    },
    {
      id: 'uuid-number2',
      phone_number: '+15125550143',
      agent_id: null,
      business_id: 'uuid-business456',
      created_at: '2026-02-02T09:00:00Z',
      capabilities: { voice: true, sms: true },
    },
  ],
};

/** `GET /api/v1/balance`. */
export const balanceResponse = {
  businesses: [{ business_id: 'uuid-business456', minutes_used: 42, phone_numbers: 2, subscription_status: 'active' }],
};
