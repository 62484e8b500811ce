import type {
  AdapterContext,
  CallStatus,
  CallWarning,
  CreateCallInput,
  ProviderCall,
  TranscriptTurn,
} from '@switchboard/core';
import { errorCodeFor } from '@switchboard/core';
import { toIsoUtc } from '../common';
import { mapKalemEndReason } from './kalem.end-reasons';

/** The metadata key that carries the gateway's call id, so an ambiguous create can be found again. */
export const KALEM_REFERENCE_KEY = 'switchboard_call_id';

/** A Kalem call as it appears in GET/list `data`, create responses and webhook payloads. */
export interface KalemCall {
  call_id: string;
  status: string;
  to_number?: string | null;
  from_number?: string | null;
  agent?: string | null;
  duration_seconds?: number | null;
  duration_minutes?: number | null;
  cost?: number | null;
  realtime_cost?: number | null;
  started_at?: string | null;
  answered_at?: string | null;
  ended_at?: string | null;
  recording_url?: string | null;
  hangup_cause?: string | null;
  // Not in the documented Call object; present in (inferred) webhook payloads or tolerated if sent.
  direction?: string | null;
  created_at?: string | null;
  summary?: string | null;
  transcriptions?: { role?: string; text?: string; at?: string }[] | null;
  metadata?: Record<string, unknown> | null;
}

/** Body of `POST /api/v1/calls` for one destination. */
export interface KalemCreateCallBody {
  to_number: string;
  agent_id: number | string;
  number_id?: number | string;
  trunk_id?: number | string;
  record: boolean;
  metadata: Record<string, string>;
  // Per-call webhook overrides of the agent's settings; the gateway always asks for POST.
  call_status_webhook_url?: string;
  call_status_webhook_method?: 'POST' | 'PUT' | 'PATCH';
  call_status_webhook_headers?: KalemWebhookHeader[];
  post_call_webhook_url?: string;
  post_call_webhook_method?: 'POST' | 'GET' | 'PUT' | 'PATCH';
  post_call_webhook_headers?: KalemWebhookHeader[];
}

/** Kalem adds these to its outgoing webhook request verbatim. */
export interface KalemWebhookHeader {
  key: string;
  value: string;
}

// Q.850-style causes that say why a `failed` call failed. Only NORMAL_CLEARING is documented;
// these are the standard names for busy and unanswered (docs/vendors/kalem.md § Statuses ⚖).
const BUSY_CAUSES = new Set(['USER_BUSY']);
const NO_ANSWER_CAUSES = new Set(['NO_ANSWER', 'NO_USER_RESPONSE']);

/**
 * Kalem status (any of its three spellings: call object, list filter, status-webhook prose)
 * -> normalized status. Never throws.
 */
export function mapKalemStatus(raw: unknown, detail: { hangupCause?: unknown; endedAt?: unknown } = {}): CallStatus {
  const value = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/-/g, '_') : '';
  switch (value) {
    case 'pending':
    // ⚖ `initiated` (status webhooks) precedes `ringing` in the documented order: not yet ringing.
    case 'initiated':
      return 'queued';
    case 'ringing':
      return 'ringing';
    case 'in_progress':
      return 'in_progress';
    case 'completed':
      return 'completed';
    case 'no_answer':
      return 'no_answer';
    case 'busy':
      return 'busy';
    // The list filter spells it `cancelled`; accept the American spelling too.
    case 'cancelled':
    case 'canceled':
      return 'canceled';
    case 'failed':
      return refineFailure(detail.hangupCause);
    default:
      // ⚖ Unknown value: a call that has ended is terminal, so `failed` keeps it from being
      // polled forever; otherwise the lowest rank, which the status machine never lets win
      // over anything already known.
      return present(detail.endedAt) ? 'failed' : 'queued';
  }
}

function refineFailure(cause: unknown): CallStatus {
  const name = typeof cause === 'string' ? cause.trim().toUpperCase() : '';
  if (BUSY_CAUSES.has(name)) return 'busy';
  if (NO_ANSWER_CAUSES.has(name)) return 'no_answer';
  return 'failed';
}

/** A Kalem call (GET, list item, create response or webhook payload) -> ProviderCall. */
export function mapKalemCall(call: KalemCall, known: { providerAgentId?: string } = {}): ProviderCall {
  const providerStatus = typeof call.status === 'string' ? call.status : String(call.status ?? '');
  const status = mapKalemStatus(providerStatus, { hangupCause: call.hangup_cause, endedAt: call.ended_at });
  const hangupCause = str(call.hangup_cause);
  const endReason = mapKalemEndReason(hangupCause, status);
  return {
    providerCallId: String(call.call_id),
    status,
    providerStatus,
    // ⚖ The Call object has no direction; API-created calls are outbound. Honour one if sent.
    direction: call.direction === 'inbound' ? 'inbound' : 'outbound',
    to: str(call.to_number),
    from: str(call.from_number),
    // Kalem echoes only the agent's display name, never its id.
    providerAgentId: known.providerAgentId ?? null,
    durationSeconds: durationSeconds(call),
    // Kalem reports dollars as floats, not cents. `realtime_cost` is a part of `cost`, not extra.
    cost: num(call.cost) === null ? null : { amount: num(call.cost)!, currency: 'USD' },
    // Not in the documented object; kept when a payload carries it.
    createdAt: toIsoUtc(call.created_at),
    startedAt: toIsoUtc(call.started_at),
    answeredAt: toIsoUtc(call.answered_at),
    endedAt: toIsoUtc(call.ended_at),
    endReason,
    providerEndReason: hangupCause,
    error:
      status === 'failed'
        ? {
            code: errorCodeFor(endReason),
            message: hangupCause
              ? `Kalem reported the call failed (${hangupCause}).`
              : 'Kalem reported the call failed.',
          }
        : null,
    recordingUrl: str(call.recording_url),
    summary: str(call.summary),
    transcript: transcript(call.transcriptions),
    analysis: null,
    metadata: isObject(call.metadata) ? call.metadata : null,
  };
}

function durationSeconds(call: KalemCall): number | null {
  const seconds = num(call.duration_seconds);
  if (seconds !== null) return seconds;
  const minutes = num(call.duration_minutes);
  return minutes === null ? null : Math.round(minutes * 60);
}

function transcript(turns: KalemCall['transcriptions']): TranscriptTurn[] | null {
  if (!Array.isArray(turns)) return null;
  return turns
    .filter((t) => isObject(t) && typeof t.text === 'string')
    .map((t) => ({
      role: typeof t.role === 'string' ? t.role : 'unknown',
      text: t.text as string,
      ...(t.at ? { at: t.at } : {}),
    }));
}

/**
 * CreateCallInput + connection defaults -> Kalem create body, and the options Kalem cannot
 * honour (returned as warnings, AI SDK style).
 */
export function toKalemCreateBody(
  input: CreateCallInput,
  defaults: AdapterContext['defaults'],
): { body: KalemCreateCallBody; warnings: CallWarning[] } {
  const body: KalemCreateCallBody = {
    to_number: input.to,
    agent_id: intOrRaw(input.providerAgentId),
    record: input.record,
    // Kalem's only free-form field; the reference lets listCalls results be matched later.
    metadata: { ...input.metadata, [KALEM_REFERENCE_KEY]: input.reference },
  };
  // Both are required by Kalem but are connection settings; when missing, Kalem's 422 names them.
  if (present(defaults.number_id)) body.number_id = intOrRaw(defaults.number_id!);
  // ⚖ Sent for SIP URIs too when configured (optional there, required for E.164).
  if (present(defaults.trunk_id)) body.trunk_id = intOrRaw(defaults.trunk_id!);
  return { body, warnings: createWarnings(input, defaults) };
}

function createWarnings(input: CreateCallInput, defaults: AdapterContext['defaults']): CallWarning[] {
  const warnings: CallWarning[] = [];
  // ⚖ Kalem picks the caller number by `number_id` (a connection default), never by string.
  if (input.from && input.from !== defaults.from)
    warnings.push({
      field: 'from',
      message:
        `Kalem selects the caller number by the connection's number_id; '${input.from}' was not applied` +
        (defaults.from ? ` (the call uses ${defaults.from}).` : '.'),
    });
  const unsupported: [string, unknown][] = [
    ['first_message', input.firstMessage],
    ['context', input.context],
    ['variables', input.variables && Object.keys(input.variables).length ? input.variables : undefined],
    ['max_duration_seconds', input.maxDurationSeconds],
    ['customer', input.customer ?? undefined],
  ];
  for (const [field, value] of unsupported)
    if (value !== undefined && value !== null && value !== '')
      warnings.push({
        field,
        message: `Kalem has no per-call ${field.replace(/_/g, ' ')}; the agent's own configuration applies.`,
      });
  return warnings;
}

// Kalem's ids are integers; Laravel also accepts integer strings, so anything else is sent as
// given and Kalem's own validation answers.
function intOrRaw(value: string): number | string {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
