import { ProviderCapabilities } from '@switchboard/core';

/**
 * What KaiCalls' documented API offers (shared/vendors/kaicalls.md).
 * - cancelCall / deleteCall / control: no hang-up, delete or live-control endpoint is
 *   documented (vendor README gap 23).
 * - createAgent / updateAgent: `POST /agents` and `PATCH /agents` (id in the body); create
 *   needs a `business_id` and a `system_prompt`.
 * - listNumbers: `GET /phone-numbers` (SDK) or `GET /numbers` (seed).
 * - sipDestinations: `to` is E.164 only.
 * - recordingToggle: no per-call `record` field; calls come back with a `recording_url`.
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
  listNumbers: true,
  sipDestinations: false,
  recordingToggle: false,
} as const satisfies ProviderCapabilities;
