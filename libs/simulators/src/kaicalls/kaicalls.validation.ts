/**
 * Pure request checks. Each returns either the cleaned input or a list of problems, which the
 * routes join into one `invalid_request` message (KaiCalls sends a single message string).
 */
import type { KcModel, KcVoice } from './kaicalls.types';
import { KC_EVENTS } from './kaicalls.types';

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };
type Body = Record<string, unknown>;

export const E164 = /^\+[1-9]\d{6,14}$/;
export const DEFAULT_MAX_DURATION = 600;

export function asBody(body: unknown): Body | null {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : null;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Body => v !== null && typeof v === 'object' && !Array.isArray(v);

function optionalString(body: Body, key: string, problems: string[]): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (!isString(v)) problems.push(`${key} must be a string`);
  return isString(v) ? v : null;
}

/** First of two accepted spellings (seed camelCase vs SDK snake_case). */
function alias(body: Body, keys: [string, string], problems: string[]): string | null {
  return optionalString(body, keys[0], problems) ?? optionalString(body, keys[1], problems);
}

export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export interface CreateCallInput {
  agent_id: string;
  to: string;
  name: string | null;
  context: string | null;
  first_message: string | null;
  lead_id: string | null;
  webhook_url: string | null;
  max_duration: number;
}

export function checkCreateCall(body: Body): Checked<CreateCallInput> {
  const problems: string[] = [];
  if (!isString(body.agent_id) || !body.agent_id) problems.push('agent_id is required');
  if (!isString(body.to) || !body.to) problems.push('to is required');
  else if (!E164.test(body.to)) problems.push('to must be an E.164 phone number');
  const webhookUrl = optionalString(body, 'webhook_url', problems);
  if (webhookUrl !== null && !isHttpUrl(webhookUrl)) problems.push('webhook_url must be an http(s) URL');
  const maxDuration = body.max_duration ?? DEFAULT_MAX_DURATION;
  if (!Number.isInteger(maxDuration) || (maxDuration as number) < 1)
    problems.push('max_duration must be a positive integer (seconds)');
  const value: CreateCallInput = {
    agent_id: body.agent_id as string,
    to: body.to as string,
    name: alias(body, ['name', 'customer_name'], problems),
    context: optionalString(body, 'context', problems),
    first_message: alias(body, ['firstMessage', 'first_message'], problems),
    lead_id: optionalString(body, 'lead_id', problems),
    webhook_url: webhookUrl,
    max_duration: maxDuration as number,
  };
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

export interface ListQuery {
  limit: number;
  after: number | null;
  agent_id: string | null;
  status: string | null;
}

/** `limit` above the max is clamped rather than refused (the docs only say "max"). */
export function checkListQuery(query: Body, defaults: { limit: number; max: number }): Checked<ListQuery> {
  const problems: string[] = [];
  let limit = defaults.limit;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1) problems.push('limit must be a positive integer');
  }
  const after = query.after === undefined ? null : Date.parse(String(query.after));
  if (after !== null && Number.isNaN(after))
    problems.push('after must be an ISO 8601 timestamp (created_at of the last row)');
  const value = {
    limit: Math.min(limit, defaults.max),
    after,
    agent_id: isString(query.agent_id) ? query.agent_id : null,
    status: isString(query.status) ? query.status : null,
  };
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

function checkVoice(v: unknown, problems: string[]): void {
  if (v === undefined) return;
  if (!isObject(v) || !isString(v.provider) || !isString(v.voiceId))
    problems.push('voice must be { provider, voiceId }');
}

function checkModel(v: unknown, problems: string[]): void {
  if (v === undefined) return;
  const ok =
    isObject(v) &&
    isString(v.provider) &&
    isString(v.model) &&
    (v.temperature === undefined || typeof v.temperature === 'number');
  if (!ok) problems.push('model must be { provider, model, temperature }');
}

export interface AgentFields {
  name?: string;
  system_prompt?: string;
  first_message?: string;
  voice?: KcVoice;
  model?: Partial<KcModel>;
  metadata?: Body;
}

function checkAgentFields(body: Body, problems: string[]): AgentFields {
  for (const key of ['name', 'system_prompt', 'first_message'])
    if (body[key] !== undefined && (!isString(body[key]) || !body[key]))
      problems.push(`${key} must be a non-empty string`);
  checkVoice(body.voice, problems);
  checkModel(body.model, problems);
  if (body.metadata !== undefined && !isObject(body.metadata)) problems.push('metadata must be an object');
  const { name, system_prompt, first_message, voice, model, metadata } = body as AgentFields;
  return { name, system_prompt, first_message, voice, model, metadata };
}

export function checkCreateAgent(
  body: Body,
): Checked<AgentFields & { business_id: string; name: string; system_prompt: string }> {
  const problems: string[] = [];
  for (const key of ['business_id', 'name', 'system_prompt'])
    if (!isString(body[key]) || !body[key]) problems.push(`${key} is required`);
  const fields = checkAgentFields(body, problems);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      ...fields,
      business_id: body.business_id as string,
      name: fields.name!,
      system_prompt: fields.system_prompt!,
    },
  };
}

/** Fields only the SDK's PATCH sends; stored as given. */
export const SDK_AGENT_FIELDS = [
  'inbound_prompt',
  'outbound_prompt',
  'sms_prompt',
  'outbound_first_message',
  'outbound_llm',
  'sms_llm',
  'max_duration',
  'vapi_config',
  'transfer_enabled',
  'transfer_phone_number',
] as const;

export function checkPatchAgent(body: Body): Checked<AgentFields & { id: string; sdk: Body }> {
  const problems: string[] = [];
  if (!isString(body.id) || !body.id) problems.push('id is required');
  const fields = checkAgentFields(body, problems);
  const sdk = Object.fromEntries(SDK_AGENT_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  const touched = Object.values(fields).some((v) => v !== undefined) || Object.keys(sdk).length > 0;
  if (!problems.length && !touched) problems.push('No fields to update');
  return problems.length ? { ok: false, problems } : { ok: true, value: { ...fields, id: body.id as string, sdk } };
}

export interface SubscriptionInput {
  id: string | null;
  webhook_url: string | null;
  business_id: string | null;
  events: string[] | null;
  description: string | null;
  is_active: boolean | null;
}

export function checkSubscription(body: Body): Checked<SubscriptionInput> {
  const problems: string[] = [];
  const id = optionalString(body, 'id', problems);
  const url = optionalString(body, 'webhook_url', problems);
  if (id === null && url === null) problems.push('webhook_url is required');
  if (url !== null && !isHttpUrl(url)) problems.push('webhook_url must be an http(s) URL');
  const events = body.events;
  if (
    events !== undefined &&
    (!Array.isArray(events) || !events.every((e) => (KC_EVENTS as readonly unknown[]).includes(e)))
  )
    problems.push(`events must be an array of: ${KC_EVENTS.join(', ')}`);
  if (body.is_active !== undefined && typeof body.is_active !== 'boolean') problems.push('is_active must be a boolean');
  const value: SubscriptionInput = {
    id,
    webhook_url: url,
    business_id: optionalString(body, 'business_id', problems),
    events: Array.isArray(events) ? (events as string[]) : null,
    description: optionalString(body, 'description', problems),
    is_active: typeof body.is_active === 'boolean' ? body.is_active : null,
  };
  return problems.length ? { ok: false, problems } : { ok: true, value };
}
