import type { ProviderCapabilities, VendorAgent, VendorNumber } from '@switchboard/core';

/** Internal camelCase shapes → the API's snake_case. */
export function toVendorAgentResponse(agent: VendorAgent) {
  return {
    object: 'vendor_agent' as const,
    provider_agent_id: agent.providerAgentId,
    name: agent.name,
    details: agent.details,
  };
}

export function toVendorNumberResponse(number: VendorNumber) {
  return {
    object: 'vendor_number' as const,
    provider_number_id: number.providerNumberId,
    number: number.number,
    provider_agent_id: number.providerAgentId,
    details: number.details,
  };
}

export function toCapabilitiesResponse(c: ProviderCapabilities) {
  return {
    get_call: c.getCall,
    list_calls: c.listCalls,
    cancel_call: c.cancelCall,
    delete_call: c.deleteCall,
    control: [...c.control],
    list_agents: c.listAgents,
    create_agent: c.createAgent,
    update_agent: c.updateAgent,
    delete_agent: c.deleteAgent,
    list_numbers: c.listNumbers,
    sip_destinations: c.sipDestinations,
    recording_toggle: c.recordingToggle,
    rate_limits: c.rateLimits.map((w) => ({ scope: w.scope, limit: w.limit, window_seconds: w.windowSeconds })),
  };
}
