import { ProviderCapabilities } from '@switchboard/core';

/**
 * What Kalem's documented API offers (shared/vendors/kalem.md). Only the calls resource is
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
  listNumbers: false,
  // `to_number` accepts `sip:` URIs (no trunk needed for them).
  sipDestinations: true,
  // `record` is a documented create field (default true).
  recordingToggle: true,
} as const satisfies ProviderCapabilities;
