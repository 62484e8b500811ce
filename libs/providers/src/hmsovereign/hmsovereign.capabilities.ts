import type { ProviderCapabilities } from '@switchboard/core';
import { SIGNATURE_HEADER } from './hmsovereign.webhooks';

/**
 * What HMS Sovereign really offers (from its docs and official Node SDK).
 * - cancelCall rides on `POST /calls/{id}/control` `end-call`, which the vendor accepts
 *   only while the call is `in-progress`; before that it answers 400 (mapped to `conflict`).
 * - deleteCall: no DELETE on calls is documented; deleteAgent is `DELETE /assistants/{id}`.
 * - sipDestinations: `POST /calls/outbound` takes an E.164 `destination`; only `transfer`
 *   accepts a SIP URI.
 * - recordingToggle: no per-call recording switch exists; recordings depend on the assistant.
 * - webhooks: `per_call`, because the outbound create's `assistant_override` takes
 *   `webhook_url` / `webhook_secret` / `webhook_events` for that call alone; the other places
 *   (PATCHing a shared assistant, the dashboard-only account webhook) would leak one
 *   connection's events into every call of that assistant or account. `hmac_timestamp`: the
 *   vendor signs `timestamp + "." + body` with the secret and sends Unix-second timestamps.
 */
export const HmsSovereignCapabilities = {
  getCall: true,
  listCalls: true,
  cancelCall: true,
  deleteCall: false,
  control: ['say', 'inject_context', 'transfer', 'end'],
  listAgents: true,
  createAgent: true,
  updateAgent: true,
  deleteAgent: true,
  listNumbers: true,
  sipDestinations: false,
  recordingToggle: false,
  webhooks: { authentication: 'hmac_timestamp', registration: 'per_call', secretHeaders: [SIGNATURE_HEADER] },
  // 100 requests a minute per key. The 10 control commands a minute are per active call, not
  // per key, so a connection-wide budget cannot express them; the vendor's 429 still answers.
  rateLimits: [{ scope: 'requests', limit: 100, windowSeconds: 60 }],
} as const satisfies ProviderCapabilities;

Object.freeze(HmsSovereignCapabilities.control);
Object.freeze(HmsSovereignCapabilities.webhooks.secretHeaders);
Object.freeze(HmsSovereignCapabilities.webhooks);
Object.freeze(HmsSovereignCapabilities.rateLimits);
Object.freeze(HmsSovereignCapabilities);
