import { errorCodeFor } from '@switchboard/core';
import type {
  AdapterContext,
  CallStatus,
  CallWarning,
  CreateCallInput,
  Money,
  ProviderCall,
  TranscriptTurn,
} from '@switchboard/core';
import { toIsoUtc } from '../common';
import { mapKlenEndReason } from './klen.end-reasons';

/**
 * Pure mappers between Klen AI's JSON and the normalized types. One call mapper serves all
 * four shapes Klen uses for a call (create response, detail, list item, webhook `call`),
 * because the same fields change names between them (the call ids above all).
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const id = (v: unknown): string | null => str(v) ?? (num(v) === null ? null : String(v));

/** Lower-case and `-` → `_`, so `in-progress`, `IN_PROGRESS` and `no-answer` compare equal. */
const canonical = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase().replace(/-/g, '_') : '');

/**
 * Klen's `failed` hides the real outcome in a failure reason (docs/vendors/klen.md § Statuses). Unknown reasons,
 * `invalid-number`, `twilio-failed-to-connect-call` and `failed` stay `failed`.
 */
function statusFromFailureReason(reason: unknown): CallStatus {
  switch (canonical(reason)) {
    case 'no_answer':
      return 'no_answer';
    case 'busy':
    // ⚖ The callee declined; carriers usually signal that as busy (docs/vendors/klen.md § Statuses).
    case 'rejected':
      return 'busy';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    // ⚖ `disconnected` ("ended prematurely") stays `failed` even when the call was answered.
    default:
      return 'failed';
  }
}

/**
 * Klen status (+ the `call.failed` reason when known) → normalized status. Never throws.
 * An unknown status becomes `queued`, the lowest rank: the status machine then keeps
 * whatever the gateway already knew instead of jumping to a guessed outcome.
 */
export function mapKlenStatus(status: unknown, failureReason?: unknown): CallStatus {
  switch (canonical(status)) {
    case 'queued':
      return 'queued';
    // Klen has no ringing stage: queued → in-progress directly.
    case 'in_progress':
      return 'in_progress';
    case 'completed':
      return 'completed';
    case 'failed':
      return statusFromFailureReason(failureReason);
    default:
      return 'queued';
  }
}

const SPEAKERS: Record<string, TranscriptTurn['role']> = {
  agent: 'agent',
  assistant: 'agent',
  ai: 'agent',
  bot: 'agent',
  customer: 'user',
  user: 'user',
  caller: 'user',
  contact: 'user',
};
const SPEAKER_LABEL = /(?:^|\s)(agent|assistant|ai|bot|customer|user|caller|contact)\s*:\s*/gi;

/**
 * Klen's transcript is one string ("Agent: Hi Ana… Customer: Yes…"), turns separated by
 * speaker labels on one line or on several. ⚖ Text that carries no label is kept as a
 * single turn with role `unknown` rather than guessed.
 */
export function parseKlenTranscript(value: unknown): TranscriptTurn[] | null {
  const text = str(value)?.trim();
  if (!text) return null;
  const labels = [...text.matchAll(SPEAKER_LABEL)];
  if (labels.length === 0) return [{ role: 'unknown', text }];
  const turns: TranscriptTurn[] = [];
  const before = text.slice(0, labels[0].index).trim();
  if (before) turns.push({ role: 'unknown', text: before });
  labels.forEach((label, i) => {
    const start = label.index + label[0].length;
    const end = i + 1 < labels.length ? labels[i + 1].index : text.length;
    const turnText = text.slice(start, end).trim();
    if (turnText) turns.push({ role: SPEAKERS[label[1].toLowerCase()], text: turnText });
  });
  return turns;
}

/** `billing.total_charge` is a dollar amount (190 s → 0.95), not cents. */
function costOf(billing: unknown): Money | null {
  const amount = isObject(billing) ? num(billing.total_charge) : null;
  return amount === null ? null : { amount, currency: 'USD' };
}

/** The Klen string call id: `call_id` (create, detail), `klen_call_id` (webhooks), `id` only in the list. */
export function klenCallId(call: Json): string {
  return str(call.call_id) ?? str(call.klen_call_id) ?? id(call.id) ?? '';
}

/**
 * The assistant id is the one form every REST shape carries (detail/create `agent.assistant_id`,
 * list `agent_id`); webhooks mostly have only the integer `agent_id`, used as a last resort.
 */
function agentIdOf(call: Json): string | null {
  const agent = isObject(call.agent) ? call.agent : {};
  return str(agent.assistant_id) ?? str(call.assistant_id) ?? str(call.agent_id) ?? id(agent.id) ?? id(call.agent_id);
}

const FAILURE_MESSAGES: Record<string, string> = {
  no_answer: 'The callee did not answer.',
  busy: 'The line was busy.',
  rejected: 'The callee rejected the call.',
  canceled: 'The call was canceled.',
  disconnected: 'The call ended prematurely.',
  invalid_number: 'The number is invalid.',
  twilio_failed_to_connect_call: 'The carrier failed to connect the call.',
  failed: 'The call failed.',
};

/** Any Klen call shape → ProviderCall. Fields Klen does not send stay null. */
export function mapKlenCall(value: unknown, status?: CallStatus): ProviderCall {
  const call = isObject(value) ? value : {};
  const providerStatus = str(call.status) ?? '';
  // The reason is only known from `call.failed` webhooks; GET shows a bare `failed`.
  const reason = str(call.failure_reason);
  const normalized = status ?? mapKlenStatus(providerStatus, reason);
  const endReason = mapKlenEndReason(reason, normalized);
  const inbound = canonical(call.type) === 'inbound';
  const remote = str(call.phone_number);
  // Klen's `started_at` is when the call connects (`call.started`), so it is also the answer time.
  const startedAt = toIsoUtc(call.started_at);
  return {
    providerCallId: klenCallId(call),
    status: normalized,
    providerStatus,
    direction: inbound ? 'inbound' : 'outbound',
    // `phone_number` is the remote party; the agent's own number is never in a call payload.
    to: inbound ? null : remote,
    from: inbound ? remote : null,
    providerAgentId: agentIdOf(call),
    durationSeconds: num(call.duration_seconds) ?? num(call.duration),
    cost: costOf(call.billing),
    createdAt: toIsoUtc(call.created_at),
    startedAt,
    answeredAt: startedAt,
    endedAt: toIsoUtc(call.ended_at),
    endReason,
    providerEndReason: reason,
    error:
      normalized === 'failed'
        ? {
            code: errorCodeFor(endReason),
            message: FAILURE_MESSAGES[canonical(reason ?? 'failed')] ?? `The call failed (${reason}).`,
          }
        : null,
    recordingUrl: str(call.recording_url),
    summary: str(call.summary),
    transcript: parseKlenTranscript(call.transcript),
    analysis: null,
    // Klen echoes neither `variables` nor any other metadata.
    metadata: null,
  };
}

/** The key under which the gateway's call id travels in Klen's `variables`. */
export const REFERENCE_VARIABLE = 'switchboard_call_id';

export interface KlenCreateBody {
  phone_number: string;
  agent_id: string | number;
  variables: Record<string, unknown>;
}

/** Klen takes the integer DB id or the assistant id; a digits-only id is sent as the integer it is. */
function klenAgentId(providerAgentId: string): string | number {
  const asNumber = Number(providerAgentId);
  return /^\d+$/.test(providerAgentId) && Number.isSafeInteger(asNumber) ? asNumber : providerAgentId;
}

/**
 * CreateCallInput → POST /calls body, plus warnings for options Klen cannot honour.
 * Klen takes only `phone_number`, `agent_id`, `contact_id` and `variables`; `variables` is
 * its one free-form context channel, so the gateway's context and customer go there (⚖).
 */
export function toKlenCreateBody(
  input: CreateCallInput,
  _defaults: AdapterContext['defaults'] = {},
): { body: KlenCreateBody; warnings: CallWarning[] } {
  const warnings: CallWarning[] = [];
  // Connection defaults (from/number_id/trunk_id) mean nothing to Klen: the agent's assigned number dials.
  if (input.from)
    warnings.push({ field: 'from', message: "Klen dials from the agent's assigned number; 'from' was ignored." });
  if (input.firstMessage)
    warnings.push({
      field: 'first_message',
      message: "Klen uses the agent's configured greeting; 'first_message' was ignored.",
    });
  if (input.maxDurationSeconds !== undefined)
    warnings.push({
      field: 'max_duration_seconds',
      message: "Klen has no per-call duration limit; 'max_duration_seconds' was ignored.",
    });
  if (input.record === false)
    warnings.push({
      field: 'record',
      message: "Klen cannot switch recording off per call; 'record: false' was ignored.",
    });
  const variables: Record<string, unknown> = { ...(input.variables ?? {}) };
  if (input.context) variables.context = input.context;
  if (input.customer?.name) variables.customer_name = input.customer.name;
  if (input.customer?.email) variables.customer_email = input.customer.email;
  // Last, so a caller's variable of the same name cannot hide the lookup key.
  variables[REFERENCE_VARIABLE] = input.reference;
  return {
    body: { phone_number: input.to, agent_id: klenAgentId(input.providerAgentId), variables },
    warnings,
  };
}
