import { normalizeNumber } from '../common';
import type { KlenAgent, KlenContact } from './klen.seed';
import { KLEN_DO_NOT_CALL, PRICING } from './klen.seed';
import type { KlenState, ListQuery } from './klen.state';
import { findAgent, KLEN_CALENDAR_EVENTS, KLEN_CALL_EVENTS, KLEN_STATUSES } from './klen.state';

/** A rejected request, in Klen's own status and error code. */
export interface KlenProblem {
  ok: false;
  status: number;
  error: string;
  message: string;
}

type Result<T> = ({ ok: true } & T) | KlenProblem;

const problem = (status: number, error: string, message: string): KlenProblem => ({
  ok: false,
  status,
  error,
  message,
});

const E164 = /^\+[1-9]\d{7,14}$/;

/** Klen parses bodies itself: anything that is not a JSON object is `invalid_json`. */
export function parseJsonObject(raw: unknown): Result<{ value: Record<string, unknown> }> {
  if (typeof raw !== 'string' || !raw.trim()) return problem(400, 'invalid_json', 'Request body must be valid JSON');
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // fall through
  }
  return problem(400, 'invalid_json', 'Request body must be a valid JSON object');
}

const absent = (v: unknown) => v === undefined || v === null || v === '';
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export interface CreateCallInput {
  phone_number: string;
  agent: KlenAgent;
  contact: KlenContact | null;
  variables: Record<string, unknown> | null;
}

/** POST /calls checks, in the order of the documented error table. */
export function validateCreateCall(body: Record<string, unknown>, state: KlenState): Result<CreateCallInput> {
  if (absent(body.phone_number)) return problem(400, 'missing_phone_number', 'phone_number is required');
  if (absent(body.agent_id)) return problem(400, 'missing_agent_id', 'agent_id is required');
  const phone = typeof body.phone_number === 'string' ? normalizeNumber(body.phone_number) : '';
  if (!E164.test(phone))
    return problem(400, 'invalid_phone_number', 'phone_number must be a valid E.164 number, e.g. +15550004444');
  if (typeof body.agent_id !== 'string' && typeof body.agent_id !== 'number')
    return problem(400, 'validation_error', 'agent_id must be a string or an integer');
  if (body.contact_id !== undefined && body.contact_id !== null && !Number.isInteger(body.contact_id))
    return problem(400, 'validation_error', 'contact_id must be an integer');
  if (body.variables !== undefined && body.variables !== null && !isPlainObject(body.variables))
    return problem(400, 'validation_error', 'variables must be an object');

  const agent = findAgent(body.agent_id);
  if (!agent) return problem(404, 'agent_not_found', 'Agent not found');
  if (!agent.caller_number) return problem(404, 'no_phone_number', 'Agent has no phone number assigned');
  let contact: KlenContact | null = null;
  if (typeof body.contact_id === 'number') {
    contact = state.contacts.get(body.contact_id) ?? null;
    if (!contact) return problem(404, 'not_found', 'Contact not found');
  }
  if (KLEN_DO_NOT_CALL.includes(phone)) return problem(403, 'do_not_call', 'This number is on your Do-Not-Call list');
  if (state.balance < PRICING.initial_charge)
    return problem(402, 'insufficient_funds', 'Insufficient balance to place the call');
  return {
    ok: true,
    phone_number: phone,
    agent,
    contact,
    variables: isPlainObject(body.variables) ? body.variables : null,
  };
}

/** A single query value; repeated parameters take the first, as most frameworks do. */
function one(value: unknown): string | undefined {
  if (Array.isArray(value)) return one(value[0]);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number | KlenProblem {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    return problem(400, 'validation_error', `${name} must be a positive integer`);
  return Number(value);
}

export const MAX_LIMIT = 100;

/** GET /calls query; `limit` above the maximum is capped, and the envelope shows the cap. */
export function validateListQuery(query: Record<string, unknown>): Result<{ query: ListQuery }> {
  const page = positiveInt(one(query.page), 1, 'page');
  if (typeof page !== 'number') return page;
  const limit = positiveInt(one(query.limit), 10, 'limit');
  if (typeof limit !== 'number') return limit;
  const status = one(query.status);
  if (status !== undefined && !(KLEN_STATUSES as readonly string[]).includes(status))
    return problem(400, 'validation_error', `status must be one of ${KLEN_STATUSES.join(', ')}`);
  const type = one(query.type);
  if (type !== undefined && type !== 'inbound' && type !== 'outbound')
    return problem(400, 'validation_error', 'type must be inbound or outbound');
  const agentRef = one(query.agent_id);
  const agent = agentRef === undefined ? undefined : (findAgent(agentRef) ?? null);
  return { ok: true, query: { page, limit: Math.min(limit, MAX_LIMIT), status, type, agent } };
}

export interface WebhookCreateInput {
  name: string;
  url: string;
  subscribed_events: string[];
}

const SUBSCRIBABLE: readonly string[] = [...KLEN_CALL_EVENTS, ...KLEN_CALENDAR_EVENTS];

/** POST /api/webhooks/create/ body: `name`, `url`, `subscribed_events`. */
export function validateWebhookCreate(body: Record<string, unknown>): Result<WebhookCreateInput> {
  if (typeof body.name !== 'string' || !body.name.trim()) return problem(400, 'validation_error', 'name is required');
  if (typeof body.url !== 'string' || !isHttpUrl(body.url))
    return problem(400, 'validation_error', 'url must be a valid http(s) URL');
  const events = body.subscribed_events;
  if (!Array.isArray(events) || events.length === 0)
    return problem(400, 'validation_error', 'subscribed_events must be a non-empty array');
  const unknown = events.filter((e) => typeof e !== 'string' || !SUBSCRIBABLE.includes(e));
  if (unknown.length) return problem(400, 'validation_error', `unknown events: ${unknown.map(String).join(', ')}`);
  return { ok: true, name: body.name, url: body.url, subscribed_events: [...new Set(events as string[])] };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
