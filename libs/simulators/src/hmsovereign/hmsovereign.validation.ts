import { HMS_CALL_STATUSES, HMS_WEBHOOK_EVENTS } from './hmsovereign.types';

/** A validated value, or the message and field of the vendor's 400. */
export type Failure = { ok: false; message: string; param?: string };
export type Checked<T> = { ok: true; value: T } | Failure;

const fail = (message: string, param?: string): Failure => ({ ok: false, message, param });

export const isE164 = (v: unknown): v is string => typeof v === 'string' && /^\+[1-9]\d{7,14}$/.test(v);
const isSipUri = (v: unknown): v is string => typeof v === 'string' && /^sips?:[^\s@]+@[^\s]+$/.test(v);
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isHttpUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s]+$/.test(v);
const present = (v: unknown) => v !== undefined && v !== null;

type Rule = [field: string, test: (v: unknown) => boolean, expected: string];

/** Fields shared by saved, override and transient assistants; null clears a field. */
const ASSISTANT_RULES: Rule[] = [
  ['business_name', (v) => typeof v === 'string', 'a string'],
  ['first_message', (v) => typeof v === 'string', 'a string'],
  ['is_active', (v) => typeof v === 'boolean', 'a boolean'],
  ['max_duration_seconds', (v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer'],
  ['webhook_url', isHttpUrl, 'an http(s) URL'],
  ['webhook_secret', (v) => typeof v === 'string', 'a string'],
  [
    'webhook_events',
    (v) => Array.isArray(v) && v.every((e) => (HMS_WEBHOOK_EVENTS as readonly unknown[]).includes(e)),
    `an array of ${HMS_WEBHOOK_EVENTS.join(', ')}`,
  ],
  ['stt_config', isObject, 'an object'],
  ['llm_config', isObject, 'an object'],
  ['tts_config', isObject, 'an object'],
  ['metadata', isObject, 'an object'],
];

export function assistantFieldProblem(input: Record<string, unknown>, prefix = ''): Failure | null {
  for (const [field, test, expected] of ASSISTANT_RULES)
    if (present(input[field]) && !test(input[field]))
      return fail(`${prefix}${field} must be ${expected}`, `${prefix}${field}`);
  return null;
}

export function checkAssistantInput(input: unknown, creating: boolean): Checked<Record<string, unknown>> {
  if (!isObject(input)) return fail('Request body must be a JSON object');
  if ((creating || input.name !== undefined) && !(typeof input.name === 'string' && input.name.trim()))
    return fail('name is required', 'name');
  return assistantFieldProblem(input) ?? { ok: true, value: input };
}

export function checkNumberInput(input: unknown, creating: boolean): Checked<Record<string, unknown>> {
  if (!isObject(input)) return fail('Request body must be a JSON object');
  if (creating && !isE164(input.phone_number)) return fail('phone_number must be a valid E.164 number', 'phone_number');
  for (const field of ['agent_id', 'transfer_trunk_id'])
    if (present(input[field]) && typeof input[field] !== 'string') return fail(`${field} must be a string`, field);
  if (input.is_active !== undefined && typeof input.is_active !== 'boolean')
    return fail('is_active must be a boolean', 'is_active');
  return { ok: true, value: input };
}

export interface OutboundInput {
  destination: string;
  /** `assistant_id` (SDK) or `agent_id` (seed). */
  assistantId: string | null;
  transient: Record<string, unknown> | null;
  override: Record<string, unknown> | null;
  numberId: string | null;
  firstMessage: string | null;
}

export function checkOutbound(body: unknown): Checked<OutboundInput> {
  if (!isObject(body)) return fail('Request body must be a JSON object');
  if (!present(body.destination)) return fail('destination is required', 'destination');
  if (!isE164(body.destination)) return fail('destination must be a valid E.164 phone number', 'destination');
  for (const field of ['assistant_id', 'agent_id', 'number_id', 'first_message', 'context'])
    if (present(body[field]) && typeof body[field] !== 'string') return fail(`${field} must be a string`, field);
  const { assistant_id: assistantId, agent_id: agentId } = body as Record<string, string | undefined>;
  if (assistantId && agentId && assistantId !== agentId)
    return fail('assistant_id and agent_id differ', 'assistant_id');
  const id = assistantId || agentId || null;
  const transient = body.assistant ?? null;
  const override = body.assistant_override ?? null;
  if (transient !== null && !isObject(transient)) return fail('assistant must be an object', 'assistant');
  if (override !== null && !isObject(override))
    return fail('assistant_override must be an object', 'assistant_override');
  if (id && transient) return fail('Provide either assistant_id or assistant, not both', 'assistant');
  if (!id && !transient) return fail('assistant_id or assistant is required', 'assistant_id');
  if (override && !id) return fail('assistant_override requires assistant_id', 'assistant_override');
  if (transient && !isObject(transient.llm_config))
    return fail('assistant.llm_config is required', 'assistant.llm_config');
  const problem =
    (transient && assistantFieldProblem(transient, 'assistant.')) ||
    (override && assistantFieldProblem(override, 'assistant_override.'));
  if (problem) return problem;
  return {
    ok: true,
    value: {
      destination: body.destination,
      assistantId: id,
      transient,
      override,
      numberId: (body.number_id as string | undefined) || null,
      firstMessage: (body.first_message as string | undefined) ?? null,
    },
  };
}

export const CONTROL_TYPES = ['inject-context', 'say', 'end-call', 'transfer'] as const;
export type ControlType = (typeof CONTROL_TYPES)[number];
export interface ControlCommand {
  type: ControlType;
  content?: string;
  trigger_response?: boolean;
  end_after?: boolean;
  destination?: string;
  message?: string;
}

export function checkControl(body: unknown): Checked<ControlCommand> {
  if (!isObject(body)) return fail('Request body must be a JSON object');
  if (!(CONTROL_TYPES as readonly unknown[]).includes(body.type))
    return fail(`type must be one of ${CONTROL_TYPES.join(', ')}`, 'type');
  const needs: Record<ControlType, Rule[]> = {
    'inject-context': [
      ['content', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string'],
      ['trigger_response', (v) => typeof v === 'boolean', 'a boolean'],
    ],
    say: [
      ['content', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string'],
      ['end_after', (v) => typeof v === 'boolean', 'a boolean'],
    ],
    'end-call': [],
    transfer: [['destination', (v) => isE164(v) || isSipUri(v), 'an E.164 number or a SIP URI']],
  };
  for (const [field, test, expected] of needs[body.type as ControlType])
    if (!test(body[field])) return fail(`${field} is required and must be ${expected}`, field);
  if (present(body.message) && typeof body.message !== 'string') return fail('message must be a string', 'message');
  return { ok: true, value: body as unknown as ControlCommand };
}

export interface ListQuery {
  limit: number;
  offset: number;
  status: string | null;
  from: number | null;
  to: number | null;
}

/** Offset pagination: `limit` 100 by default and capped at 1000, `offset` from 0. */
export function checkListQuery(query: Record<string, string | undefined>, withStatus: boolean): Checked<ListQuery> {
  const int = (v: string | undefined, fallback: number) =>
    v === undefined || v === '' ? fallback : /^\d+$/.test(v) ? Number(v) : NaN;
  const limit = int(query.limit, 100);
  const offset = int(query.offset, 0);
  if (!(limit >= 1)) return fail('limit must be an integer between 1 and 1000', 'limit');
  if (!(offset >= 0)) return fail('offset must be an integer >= 0', 'offset');
  const status = (withStatus && query.status) || null;
  if (status && !(HMS_CALL_STATUSES as readonly string[]).includes(status))
    return fail(`status must be one of ${HMS_CALL_STATUSES.join(', ')}`, 'status');
  const date = (v: string | undefined) => (v ? Date.parse(v) : null);
  const from = date(query.start_date);
  const to = date(query.end_date);
  if (Number.isNaN(from)) return fail('start_date must be an ISO 8601 date-time', 'start_date');
  if (Number.isNaN(to)) return fail('end_date must be an ISO 8601 date-time', 'end_date');
  return { ok: true, value: { limit: Math.min(limit, 1000), offset, status, from, to } };
}
