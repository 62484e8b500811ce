import type { ProviderCapabilities } from '@switchboard/core';

/**
 * What Klen AI's documented API offers. Only calls are documented: create, detail and
 * list. Agents, numbers and contacts exist at Klen (there is a `can_read_agents`
 * permission) but their paths and shapes are not in the notes, so the gateway must not
 * guess them. No cancel/hang-up, delete or live control endpoint exists.
 */
export const KlenCapabilities = Object.freeze({
  getCall: true,
  listCalls: true,
  cancelCall: false,
  deleteCall: false,
  control: Object.freeze([]) as readonly [],
  listAgents: false,
  createAgent: false,
  updateAgent: false,
  listNumbers: false,
  // `phone_number` must be E.164; Klen dials over Twilio with no SIP option.
  sipDestinations: false,
  // No `record` field: Klen decides recording per agent/account.
  recordingToggle: false,
  // Klen has no per-call webhook field: endpoints are created once (`POST /api/webhooks/create/`)
  // and receive every subscribed event of the account, signed in `X-Klen-Signature` with a
  // secret Klen issues at creation (HMAC over the raw body, no timestamp).
  webhooks: Object.freeze({ authentication: 'hmac_body', registration: 'per_connection' } as const),
}) satisfies ProviderCapabilities;
