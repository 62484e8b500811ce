/** Pure functions that turn stored records into KaiCalls' documented response shapes. */
import type { KcAgent, KcCall, KcKey, KcNumber, KcSubscription } from './kaicalls.types';

/** 201 body of `POST /api/v1/calls`. */
export function callCreated(call: KcCall) {
  const { id, conversation_id, status, agent_id, to, name, created_at } = call;
  return { id, conversation_id, status, agent_id, to, name, created_at };
}

/** A row of `GET /api/v1/calls` (seed row + `direction`/`summary` from the quickstart). */
export function callRow(call: KcCall, agentName: string | null) {
  const { id, conversation_id, status, duration, agent_id, created_at, direction, summary } = call;
  return { id, conversation_id, status, duration, agent_id, agent_name: agentName, created_at, direction, summary };
}

/** `GET /api/v1/calls?id=`: bare object, documented fields only (no to/from, no times, no error). */
export function callDetail(call: KcCall, agentName: string | null) {
  return {
    id: call.id,
    conversation_id: call.conversation_id,
    status: call.status,
    direction: call.direction,
    duration: call.duration,
    agent_id: call.agent_id,
    agent_name: agentName,
    business_id: call.business_id,
    lead_id: call.lead_id,
    summary: call.summary,
    recording_url: call.recording_url,
    quality_dimensions: call.quality_dimensions,
    created_at: call.created_at,
  };
}

/** `GET /__sim/calls`: what was dialed, with the exact request and the vendor status. */
export function dialedCall(call: KcCall) {
  const { request, ...rest } = call;
  return { ...rest, request };
}

export function agentRow(agent: KcAgent) {
  const { id, name, business_id, created_at } = agent;
  return { id, name, business_id, created_at };
}

/** Seed detail fields plus what the SDK says a detail may carry (`first_message`, `voice`, `model`, `prompts`). */
export function agentDetail(agent: KcAgent) {
  const { id, name, business_id, vapi_assistant_id, phone_number, created_at, first_message, voice, model } = agent;
  const sdk = agent.sdk_fields;
  const prompt = (key: string) => (typeof sdk[key] === 'string' ? (sdk[key] as string) : null);
  return {
    id,
    name,
    business_id,
    vapi_assistant_id,
    phone_number,
    created_at,
    first_message,
    voice,
    model,
    prompts: {
      system: agent.system_prompt,
      inbound: prompt('inbound_prompt'),
      outbound: prompt('outbound_prompt'),
      sms: prompt('sms_prompt'),
    },
  };
}

export function agentCreated(agent: KcAgent) {
  const { id, name, business_id, vapi_assistant_id, created_at } = agent;
  return { id, name, business_id, vapi_assistant_id, created_at };
}

export function agentUpdated(agent: KcAgent) {
  const { id, name, business_id, vapi_assistant_id } = agent;
  return { id, name, business_id, vapi_assistant_id, updated: true as const };
}

export function numberRow(number: KcNumber) {
  const { id, phone_number, agent_id, business_id, created_at } = number;
  return { id, phone_number, agent_id, business_id, created_at };
}

export function keyView(key: KcKey) {
  const { id, prefix, name, scopes, business_id, created_at, last_used_at, expires_at, is_active } = key;
  return { id, prefix, name, scopes: [...scopes], business_id, created_at, last_used_at, expires_at, is_active };
}

export function subscriptionView(sub: KcSubscription) {
  const { id, url, events, description, is_active } = sub;
  return { id, url, events: [...events], description, is_active, webhook_secret_masked: maskSecret(sub.secret) };
}

export function maskSecret(secret: string): string {
  return `${secret.slice(0, 6)}${'*'.repeat(8)}${secret.slice(-4)}`;
}
