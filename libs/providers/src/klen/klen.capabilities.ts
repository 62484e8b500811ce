import type { ProviderCapabilities } from '@switchboard/core';
import { KLEN_SIGNATURE_HEADER } from './klen.webhooks';

/**
 * What Klen AI's documented API offers. Only calls are documented: create, detail and
 * list. Agents, numbers and contacts exist at Klen (there is a `can_read_agents`
 * permission) but their paths and shapes are not in docs/vendors/klen.md, so the gateway must not
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
  deleteAgent: false,
  listNumbers: false,
  // `phone_number` must be E.164; Klen dials over Twilio with no SIP option.
  sipDestinations: false,
  // No `record` field: Klen decides recording per agent/account.
  recordingToggle: false,
  // Klen has no per-call webhook field: endpoints are created once (`POST /api/webhooks/create/`)
  // and receive every subscribed event of the account, signed in `X-Klen-Signature` with a
  // secret Klen issues at creation (HMAC over the raw body, no timestamp).
  webhooks: Object.freeze({
    authentication: 'hmac_body',
    registration: 'per_connection',
    secretHeaders: Object.freeze([KLEN_SIGNATURE_HEADER]),
  } as const),
  // Per API key: 60 requests a minute and 100 initiated calls a day. The daily cap is kept as a
  // sliding 24 h window: Klen does not say when its day starts (00:00 UTC is the
  // simulator's guess), and no 24 h interval can then hold more than 100. The 50 calendar
  // events a day do not apply: the gateway never creates calendar events.
  rateLimits: Object.freeze([
    Object.freeze({ scope: 'requests', limit: 60, windowSeconds: 60 } as const),
    Object.freeze({ scope: 'calls', limit: 100, windowSeconds: 86_400 } as const),
  ]),
}) satisfies ProviderCapabilities;
