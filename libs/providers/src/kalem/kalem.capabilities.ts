import type { ProviderCapabilities } from '@switchboard/core';
import { KALEM_WEBHOOK_SECRET_HEADER } from './kalem.webhooks';

/**
 * What Kalem's documented API offers (docs/vendors/kalem.md). Only the calls resource is
 * documented: no agents, numbers or trunks endpoints, and no way to end a live call
 * (DELETE only removes a finished call's record).
 */
export const KalemCapabilities = {
  getCall: true,
  listCalls: true,
  cancelCall: false,
  deleteCall: true,
  control: [],
  listAgents: false,
  createAgent: false,
  updateAgent: false,
  deleteAgent: false,
  listNumbers: false,
  // `to_number` accepts `sip:` URIs (no trunk needed for them).
  sipDestinations: true,
  // `record` is a documented create field (default true).
  recordingToggle: true,
  webhooks: {
    // Kalem documents no signature: it only echoes the custom headers set on the call, so the
    // gateway's secret rides in one of them and is compared on arrival.
    authentication: 'shared_header',
    // Webhook URLs and headers are agent settings (not reachable through the API) or
    // per-call create fields; there is no endpoint to register them once.
    registration: 'per_call',
    secretHeaders: [KALEM_WEBHOOK_SECRET_HEADER.toLowerCase()],
  },
  // Per API token, both at once, counting every request.
  rateLimits: [
    { scope: 'requests', limit: 60, windowSeconds: 60 },
    { scope: 'requests', limit: 1_000, windowSeconds: 3_600 },
  ],
} as const satisfies ProviderCapabilities;
