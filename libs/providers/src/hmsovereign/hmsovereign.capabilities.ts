import { ProviderCapabilities } from '@switchboard/core';

/**
 * What HMS Sovereign really offers (shared/vendors/hms-sovereign.md).
 * - cancelCall rides on `POST /calls/{id}/control` `end-call`, which the vendor accepts
 *   only while the call is `in-progress`; before that it answers 400 (mapped to `conflict`).
 * - deleteCall: no DELETE on calls is documented.
 * - sipDestinations: `POST /calls/outbound` takes an E.164 `destination`; only `transfer`
 *   accepts a SIP URI.
 * - recordingToggle: no per-call recording switch exists; recordings depend on the assistant.
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
  listNumbers: true,
  sipDestinations: false,
  recordingToggle: false,
} as const satisfies ProviderCapabilities;

Object.freeze(HmsSovereignCapabilities.control);
Object.freeze(HmsSovereignCapabilities);
