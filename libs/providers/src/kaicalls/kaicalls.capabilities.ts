import type { ProviderCapabilities } from '@switchboard/core';

/**
 * What KaiCalls' documented API offers.
 * - cancelCall / deleteCall / control: no hang-up, delete or live-control endpoint is
 *   documented (docs/vendors/kaicalls.md § Gaps).
 * - createAgent / updateAgent: `POST /agents` and `PATCH /agents` (id in the body); create
 *   needs a `business_id` and a `system_prompt`. deleteAgent: no DELETE on agents is
 *   documented, so an agent the gateway made there stays until someone removes it by hand.
 * - listNumbers: `GET /phone-numbers` (SDK) or `GET /numbers` (seed).
 * - sipDestinations: `to` is E.164 only.
 * - recordingToggle: no per-call `record` field; calls come back with a `recording_url`.
 * - webhooks: `per_call`, because the only documented hook is `webhook_url` on `POST /calls`
 *   (account subscriptions at `/webhooks` exist, but their signature scheme is unpublished).
 *   `path_token`, because per-call deliveries are unsigned: the connection's secret is the
 *   last path segment of the URL KaiCalls is given, and nothing else proves a delivery.
 */
export const KaiCallsCapabilities = {
  getCall: true,
  listCalls: true,
  cancelCall: false,
  deleteCall: false,
  control: [],
  listAgents: true,
  createAgent: true,
  updateAgent: true,
  deleteAgent: false,
  listNumbers: true,
  sipDestinations: false,
  recordingToggle: false,
  // The secret is the URL's last path segment, not a header (logs redact that segment for every vendor).
  webhooks: { authentication: 'path_token', registration: 'per_call', secretHeaders: [] },
  // Per endpoint, per key; other methods (DELETE, POSTs to keys or webhooks) have no documented limit.
  rateLimits: [
    { scope: 'calls', limit: 60, windowSeconds: 60 },
    { scope: 'agent_creates', limit: 30, windowSeconds: 60 },
    { scope: 'agent_updates', limit: 60, windowSeconds: 60 },
    { scope: 'reads', limit: 300, windowSeconds: 60 },
  ],
} as const satisfies ProviderCapabilities;
