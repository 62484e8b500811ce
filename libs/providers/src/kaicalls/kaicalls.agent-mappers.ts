import type { AgentSpec, VendorAgent, VendorNumber } from '@switchboard/core';
import { toIsoUtc } from '../common';
import type {
  KaiCallsAgent,
  KaiCallsAgentFields,
  KaiCallsCreateAgentBody,
  KaiCallsModel,
  KaiCallsNumber,
  KaiCallsPatchAgentBody,
  KaiCallsVoice,
} from './kaicalls.types';

/** A gateway field KaiCalls cannot take as given. */
export interface AgentFieldProblem {
  field: string;
  message: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** `openai/gpt-4.1` or `openai:gpt-4.1` -> `[openai, gpt-4.1]`; null without a provider part. */
function splitProvider(value: string): [string, string] | null {
  const match = /^([^/:]+)[/:](.+)$/.exec(value.trim());
  return match ? [match[1], match[2]] : null;
}

/**
 * AgentSpec -> the fields `POST /agents` and `PATCH /agents` share. KaiCalls wants `voice`
 * as `{provider, voiceId}` and `model` as `{provider, model}`, while the gateway keeps one
 * string each. ⚖ The string must name the provider (`11labs/abc`, `openai/gpt-4.1`); a bare
 * name is refused rather than sent with a guessed provider Vapi might reject or misroute.
 */
export function toKaiCallsAgentFields(spec: Partial<AgentSpec>): {
  fields: KaiCallsAgentFields;
  problems: AgentFieldProblem[];
} {
  const fields: KaiCallsAgentFields = {};
  const problems: AgentFieldProblem[] = [];
  if (spec.name) fields.name = spec.name;
  if (spec.systemPrompt) fields.system_prompt = spec.systemPrompt;
  if (spec.firstMessage) fields.first_message = spec.firstMessage;
  if (spec.voice) {
    const parts = splitProvider(spec.voice);
    if (parts) fields.voice = { provider: parts[0], voiceId: parts[1] } satisfies KaiCallsVoice;
    else
      problems.push({ field: 'voice', message: 'KaiCalls needs the voice as "provider/voiceId", e.g. "11labs/burt".' });
  }
  if (spec.model) {
    const parts = splitProvider(spec.model);
    if (parts) fields.model = { provider: parts[0], model: parts[1] } satisfies KaiCallsModel;
    else
      problems.push({
        field: 'model',
        message: 'KaiCalls needs the model as "provider/model", e.g. "openai/gpt-4.1".',
      });
  }
  if (spec.metadata) fields.metadata = { ...spec.metadata };
  return { fields, problems };
}

/** `POST /agents`: `business_id`, `name` and `system_prompt` are required by the vendor. */
export function toKaiCallsCreateAgentBody(
  spec: AgentSpec,
  businessId: string,
): { body: KaiCallsCreateAgentBody; problems: AgentFieldProblem[] } {
  const { fields, problems } = toKaiCallsAgentFields(spec);
  if (!spec.systemPrompt)
    problems.push({ field: 'system_prompt', message: 'KaiCalls requires a system prompt to create an agent.' });
  return {
    body: { ...fields, business_id: businessId, name: spec.name, system_prompt: spec.systemPrompt ?? '' },
    problems,
  };
}

/**
 * `PATCH /agents` with `id` in the body. Absent fields are left out, so they stay as they
 * are; the vendor merges `metadata` rather than replacing it (as the gateway does).
 */
export function toKaiCallsPatchAgentBody(
  providerAgentId: string,
  spec: Partial<AgentSpec>,
): { body: KaiCallsPatchAgentBody; problems: AgentFieldProblem[] } {
  const { fields, problems } = toKaiCallsAgentFields(spec);
  return { body: { id: providerAgentId, ...fields }, problems };
}

/** Agent list row, detail, create or update answer -> VendorAgent; details in snake_case. */
export function toVendorAgent(raw: unknown): VendorAgent {
  const agent = (raw !== null && typeof raw === 'object' ? raw : {}) as KaiCallsAgent;
  const voice =
    agent.voice && str(agent.voice.provider) && str(agent.voice.voiceId)
      ? `${agent.voice.provider}/${agent.voice.voiceId}`
      : null;
  const model =
    agent.model && str(agent.model.provider) && str(agent.model.model)
      ? `${agent.model.provider}/${agent.model.model}`
      : null;
  return {
    providerAgentId: str(agent.id) ?? '',
    name: str(agent.name) ?? '',
    details: compact({
      business_id: str(agent.business_id),
      vapi_assistant_id: str(agent.vapi_assistant_id),
      phone_number: str(agent.phone_number),
      first_message: str(agent.first_message),
      voice,
      model,
      temperature: typeof agent.model?.temperature === 'number' ? agent.model.temperature : null,
      created_at: toIsoUtc(agent.created_at),
    }),
  };
}

/** A row of `{ numbers: [...] }` -> VendorNumber. */
export function toVendorNumber(raw: unknown): VendorNumber {
  const number = (raw !== null && typeof raw === 'object' ? raw : {}) as KaiCallsNumber;
  return {
    providerNumberId: str(number.id) ?? '',
    number: str(number.phone_number) ?? '',
    providerAgentId: str(number.agent_id),
    details: compact({
      business_id: str(number.business_id),
      created_at: toIsoUtc(number.created_at),
      capabilities: number.capabilities ?? null,
      compliance: number.compliance ?? null,
    }),
  };
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}
