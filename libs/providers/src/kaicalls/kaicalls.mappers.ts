import type { CallStatus, CallWarning, CreateCallInput, Money, ProviderCall } from '@switchboard/core';
import { errorCodeFor, isTerminal } from '@switchboard/core';
import { toIsoUtc } from '../common';
import { mapKaiCallsEndReason } from './kaicalls.end-reasons';
import type { KaiCallsCall, KaiCallsCreateCallBody, KaiCallsUsageRow } from './kaicalls.types';

export {
  toKaiCallsAgentFields,
  toKaiCallsCreateAgentBody,
  toKaiCallsPatchAgentBody,
  toVendorAgent,
  toVendorNumber,
} from './kaicalls.agent-mappers';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** docs/vendors/README.md § Statuses: lower-case with `_` for `-`; spaces too, for free-text failure reasons. */
function normalizeToken(value: unknown): string {
  return typeof value === 'string'
    ? value
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    : '';
}

/**
 * KaiCalls status (+ the `error` failure reason where the payload has one) -> normalized
 * status, per docs/vendors/kaicalls.md § Statuses. Never throws.
 *
 * Only `queued`, `completed` and `failed` are documented; `ringing`, `in-progress`,
 * `in_progress` and `started` are the Vapi values the official SDK treats as live. ⚖ Any
 * other value keeps `previous` (the gateway's current status; `queued` when unknown, which
 * the status machine treats as "no change"): the SDK would stop waiting on it, but nothing
 * says such a value is final. `providerStatus` keeps the raw value so it can be logged.
 */
export function mapKaiCallsStatus(status: unknown, error?: unknown, previous: CallStatus = 'queued'): CallStatus {
  switch (normalizeToken(status)) {
    case 'queued':
      return 'queued';
    case 'ringing':
      return 'ringing';
    case 'in_progress':
    case 'started':
      return 'in_progress';
    case 'completed':
      return 'completed';
    case 'failed':
      return failureStatus(error);
    default:
      return previous;
  }
}

function failureStatus(error: unknown): CallStatus {
  const reason = normalizeToken(error);
  if (reason === 'no_answer') return 'no_answer';
  // ⚖ `busy` is not a documented value; any reason that mentions it counts.
  if (reason.includes('busy')) return 'busy';
  // `failed`, `voicemail` and anything unknown (kept raw in `providerEndReason`).
  return 'failed';
}

/**
 * A call from any KaiCalls payload (create response, list row, `?id=` detail, webhook) ->
 * ProviderCall. The vendor never reports numbers (except `to` on create), start/answer
 * times or a cost on the call itself: those stay null (cost comes from `costFromUsage`).
 */
export function toProviderCall(raw: unknown, previous: CallStatus = 'queued'): ProviderCall {
  const call = (raw !== null && typeof raw === 'object' ? raw : {}) as KaiCallsCall;
  const providerStatus = str(call.status) ?? '';
  const reason = str(call.error);
  const status = mapKaiCallsStatus(providerStatus, reason, previous);
  const endReason = mapKaiCallsEndReason(reason, status);
  const quality = call.quality_dimensions;
  return {
    providerCallId: str(call.id) ?? str(call.call_id) ?? '',
    status,
    providerStatus,
    direction: normalizeToken(call.direction) === 'inbound' ? 'inbound' : 'outbound',
    to: str(call.to),
    from: null,
    providerAgentId: str(call.agent_id),
    durationSeconds: num(call.duration),
    cost: null,
    createdAt: toIsoUtc(call.created_at),
    startedAt: null,
    answeredAt: null,
    // Only webhooks carry a time (`timestamp`), and they are sent when the call ends.
    endedAt: isTerminal(status) ? toIsoUtc(call.timestamp) : null,
    endReason,
    providerEndReason: reason,
    error:
      status === 'failed'
        ? {
            code: errorCodeFor(endReason),
            message: `KaiCalls reported the call as failed${reason ? ` (${reason})` : ''}.`,
          }
        : null,
    recordingUrl: str(call.recording_url),
    summary: str(call.summary),
    // Transcripts live at `/transcripts`, outside the documented call payloads.
    transcript: null,
    analysis: quality && typeof quality === 'object' ? { quality_dimensions: { ...quality } } : null,
    metadata: null,
  };
}

/** Rows of a `{ calls, has_more }` page; anything else is an empty page. */
export function callsOfPage(body: unknown): KaiCallsCall[] {
  const calls = (body as { calls?: unknown } | null)?.calls;
  return Array.isArray(calls) ? (calls.filter((c) => c !== null && typeof c === 'object') as KaiCallsCall[]) : [];
}

/**
 * The call inside a `GET /calls?id=` answer. Documented (SDK) as the bare object; a
 * `{ call }` wrapper or a list page (the `id` filter ignored) is tolerated, matching the id.
 */
export function callOfDetail(body: unknown, id: string): KaiCallsCall | null {
  if (body === null || typeof body !== 'object') return null;
  const wrapped = (body as { call?: unknown }).call;
  if (wrapped && typeof wrapped === 'object') return wrapped as KaiCallsCall;
  if (Array.isArray((body as { calls?: unknown }).calls)) return callsOfPage(body).find((c) => c.id === id) ?? null;
  return body as KaiCallsCall;
}

/**
 * ⚖ KaiCalls shows money only in the usage log (`cost_cents` per API request, with the
 * request's `call_id`). The cost of a call is taken as the sum of its rows; null when no
 * row names the call (so "unknown" never reads as "free").
 */
export function costFromUsage(body: unknown, callId: string): Money | null {
  const rows = (body as { usage?: unknown } | null)?.usage;
  if (!Array.isArray(rows)) return null;
  const mine = (rows as KaiCallsUsageRow[]).filter((r) => r?.call_id === callId && num(r.cost_cents) !== null);
  if (mine.length === 0) return null;
  const cents = mine.reduce((sum, r) => sum + (r.cost_cents as number), 0);
  return { amount: Math.round(cents) / 100, currency: 'USD' };
}

export interface KaiCallsCreateCallRequest {
  body: KaiCallsCreateCallBody;
  warnings: CallWarning[];
}

/**
 * CreateCallInput -> `POST /calls` body, in the SDK's snake_case spelling (the seed's
 * `firstMessage`/`customer_name` aliases are never sent). KaiCalls dials from the number
 * assigned to the agent, so the connection defaults (`from`, `number_id`, `trunk_id`) have
 * no field to go to.
 *
 * `input.webhook.url` goes out untouched as the per-call `webhook_url`: KaiCalls has no field
 * for a secret, so the gateway has already made the secret that URL's last path segment.
 * KaiCalls has no metadata either, so the gateway's call id cannot ride along; the gateway
 * matches deliveries by `call_id`, the id `createCall` returned.
 */
export function toKaiCallsCreateCall(input: CreateCallInput): KaiCallsCreateCallRequest {
  const warnings: CallWarning[] = [];
  const body: KaiCallsCreateCallBody = { agent_id: input.providerAgentId, to: input.to };
  if (input.customer?.name) body.name = input.customer.name;
  const context = withVariables(input.context, input.variables);
  if (context) body.context = context;
  if (input.firstMessage) body.first_message = input.firstMessage;
  if (input.webhook?.url) body.webhook_url = input.webhook.url;
  if (input.maxDurationSeconds !== undefined) body.max_duration = Math.max(1, Math.round(input.maxDurationSeconds));

  if (!input.record)
    warnings.push({
      field: 'record',
      message: 'KaiCalls has no recording switch; the call is recorded as the agent is configured.',
    });
  if (input.from)
    warnings.push({
      field: 'from',
      message: 'KaiCalls dials from the number assigned to the agent; `from` was ignored.',
    });
  if (input.customer?.email)
    warnings.push({ field: 'customer.email', message: 'KaiCalls has no field for it; it was not sent.' });
  return { body, warnings };
}

/**
 * ⚖ KaiCalls has no variables field; `context` ("free text for the agent") is where the
 * agent can read them, so they are appended as `key: value` lines rather than dropped.
 */
function withVariables(context: string | undefined, variables: Record<string, string> | undefined): string | null {
  const entries = Object.entries(variables ?? {});
  const block = entries.length ? `Call variables:\n${entries.map(([k, v]) => `${k}: ${v}`).join('\n')}` : '';
  return [context ?? '', block].filter((part) => part !== '').join('\n\n') || null;
}
