import type {
  AgentSpec,
  CallStatus,
  CallWarning,
  ControlInput,
  CreateCallInput,
  ProviderCall,
  TranscriptTurn,
  VendorAgent,
  VendorNumber,
} from '@switchboard/core';
import { errorCodeFor, isTerminal } from '@switchboard/core';
import { toIsoUtc } from '../common';
import { hmsSovereignRawEndReason, mapHmsSovereignEndReason } from './hmsovereign.end-reasons';
import type {
  HmsSovereignAssistant,
  HmsSovereignAssistantBody,
  HmsSovereignCall,
  HmsSovereignControlBody,
  HmsSovereignCreateCallBody,
  HmsSovereignCreateCallResponse,
  HmsSovereignNumber,
} from './hmsovereign.types';

/**
 * The events a gateway call subscribes to: the two that describe the call. `tool-calls` and
 * `assistant-request` expect an answer the gateway cannot give, so they are not asked for.
 */
export const HMS_WEBHOOK_EVENTS = ['status-update', 'end-of-call-report'] as const;

/** Key under which the gateway's call id rides in the per-call assistant metadata. */
export const REFERENCE_KEY = 'switchboard_call_id';

/** `In-Progress`, `ended-with-error` → `in_progress`, `ended_with_error`. */
export function normalizeHmsSovereignStatus(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim().toLowerCase().replace(/-/g, '_') : '';
}

/**
 * Vendor status → normalized status (the gateway's HMS Sovereign status table).
 * HMS has no busy / no-answer values: a failed dial is `failed` with free-text `error`, so
 * those two are found by substring (⚖). Unknown values fall back to `queued`, the lowest
 * rank: the status machine never moves a known call backwards, and an unknown value never
 * claims a terminal state the reconciler would then stop checking.
 */
export function mapHmsSovereignStatus(raw: unknown, error?: unknown): CallStatus {
  switch (normalizeHmsSovereignStatus(raw)) {
    case 'dialing': // ⚖ the dial is already placed, so ringing rather than queued
    case 'connecting': // ⚖ on inbound calls this is the ringing phase
      return 'ringing';
    case 'in_progress':
      return 'in_progress';
    case 'ended':
      return 'completed';
    case 'failed':
      return refineHmsSovereignFailure(error);
    case 'ended_with_error':
      // ⚖ kept `failed` even when the conversation happened (error mid-call).
      return 'failed';
    default:
      return 'queued';
  }
}

/** A failure's free-text `error` → `busy` / `no_answer` where it says so, else `failed`. */
export function refineHmsSovereignFailure(error: unknown): CallStatus {
  if (typeof error !== 'string') return 'failed';
  const text = error.toLowerCase().replace(/[-_]/g, ' ');
  if (text.includes('busy')) return 'busy';
  if (text.includes('no answer') || text.includes('timeout')) return 'no_answer';
  return 'failed';
}

/** Vendor call record (list item or `GET /calls/{id}` body) → ProviderCall. */
export function fromHmsSovereignCall(call: HmsSovereignCall): ProviderCall {
  const direction = directionOf(call);
  const remote = str(call.caller_phone);
  const own = str(call.assistant_phone) ?? str(call.agent_phone) ?? str(call.phone_number);
  const errorText = str(call.error);
  const answeredAt = toIsoUtc(call.started_at);
  const status = mapHmsSovereignStatus(call.status, call.error);
  const endReason = mapHmsSovereignEndReason(call.end_reason, call.error, status);
  return {
    providerCallId: str(call.id) ?? '',
    status,
    providerStatus: typeof call.status === 'string' ? call.status : '',
    direction,
    to: direction === 'outbound' ? remote : own,
    from: direction === 'outbound' ? own : remote,
    providerAgentId: str(call.agent_id),
    durationSeconds: typeof call.duration_seconds === 'number' ? call.duration_seconds : null,
    // No cost field exists anywhere in the docs or SDK types.
    cost: null,
    createdAt: toIsoUtc(call.created_at),
    // ⚖ HMS's `started_at` is the answer time and there is no separate dial time.
    startedAt: answeredAt,
    answeredAt,
    endedAt: toIsoUtc(call.ended_at),
    // The vendor's error text explains no-answer and busy too; only a real failure is an `error`.
    endReason,
    providerEndReason: isTerminal(status) ? hmsSovereignRawEndReason(call.end_reason, call.error) : null,
    error:
      status === 'failed'
        ? { code: errorCodeFor(endReason), message: errorText ?? 'HMS Sovereign reported the call failed.' }
        : null,
    recordingUrl: str(call.recording_url),
    summary: str(call.summary),
    transcript: fromHmsSovereignMessages(call.messages),
    analysis: isRecord(call.analysis_result) ? call.analysis_result : null,
    metadata: vendorExtras({
      room_name: call.room_name,
      agent_name: call.agent_name ?? call.assistant_name,
      business_name: call.business_name,
      number_id: call.number_id,
    }),
  };
}

/**
 * The seed has no `direction`; the SDK types add it. Fall back to the call `type`, then to
 * the outbound id / room shapes (`call-outbound-…`, `outbound-…`); list ids built from a
 * caller number are inbound.
 */
function directionOf(call: HmsSovereignCall): 'inbound' | 'outbound' {
  const direction = str(call.direction)?.toLowerCase();
  if (direction === 'inbound' || direction === 'outbound') return direction;
  const type = str(call.type)?.toLowerCase();
  if (type === 'outbound_phone_call') return 'outbound';
  if (type === 'inbound_phone_call') return 'inbound';
  if (str(call.id)?.startsWith('call-outbound') || str(call.room_name)?.startsWith('outbound')) return 'outbound';
  return 'inbound';
}

/** `messages` [{ role, content }] (records and end-of-call reports) → transcript. */
export function fromHmsSovereignMessages(messages: unknown): TranscriptTurn[] | null {
  if (!Array.isArray(messages)) return null;
  return messages
    .filter((m): m is { role?: unknown; content?: unknown } => isRecord(m))
    .map((m) => ({ role: m.role === 'assistant' ? 'agent' : (str(m.role) ?? 'user'), text: str(m.content) ?? '' }));
}

/**
 * CreateCallInput → `POST /calls/outbound` body. `assistant_id` (SDK) rather than the
 * seed's `agent_id` ⚖: the SDK is generated from the vendor's OpenAPI document, and
 * `assistant_override` (where max duration and metadata ride) only pairs with it.
 */
export function toHmsSovereignCreateBody(
  input: CreateCallInput,
  numberId: string | undefined,
): { body: HmsSovereignCreateCallBody; warnings: CallWarning[] } {
  const body: HmsSovereignCreateCallBody = { destination: input.to, assistant_id: input.providerAgentId };
  if (input.firstMessage) body.first_message = input.firstMessage;
  if (input.context) body.context = input.context;
  if (numberId) body.number_id = numberId;
  body.assistant_override = {
    ...(input.maxDurationSeconds ? { max_duration_seconds: input.maxDurationSeconds } : {}),
    // The only per-call metadata slot; the call record does not echo it (see adapter listCalls).
    metadata: { ...input.metadata, [REFERENCE_KEY]: input.reference },
    // Per-call webhook fields win over the assistant's and the account's for this call only.
    ...(input.webhook
      ? {
          webhook_url: input.webhook.url,
          webhook_secret: input.webhook.secret,
          webhook_events: [...HMS_WEBHOOK_EVENTS],
        }
      : {}),
  };
  const warnings: CallWarning[] = [];
  if (!input.record)
    warnings.push({
      field: 'record',
      message: 'HMS Sovereign has no per-call recording switch; the assistant settings decide.',
    });
  if (input.variables && Object.keys(input.variables).length > 0)
    warnings.push({ field: 'variables', message: 'HMS Sovereign has no call variables; ignored.' });
  if (input.customer && (input.customer.name || input.customer.email))
    warnings.push({ field: 'customer', message: 'HMS Sovereign has no customer fields; ignored.' });
  return { body, warnings };
}

/**
 * Create response (`{ success, call_id, room_name, status: "dialing" }`) → ProviderCall, read
 * as a sparse call record. It carries no times, so `createdAt` stays null rather than taking
 * the local clock.
 */
export function fromHmsSovereignCreateResponse(
  response: HmsSovereignCreateCallResponse,
  input: CreateCallInput,
  from: string | null,
): ProviderCall {
  return fromHmsSovereignCall({
    id: response.call_id,
    status: str(response.status) ?? 'dialing',
    room_name: response.room_name,
    direction: 'outbound',
    caller_phone: input.to,
    assistant_phone: from,
    agent_id: input.providerAgentId,
  });
}

/**
 * ControlInput → `POST /calls/{id}/control` body. The vendor requires both booleans; ⚖
 * `inject_context` stays silent (`trigger_response: false`) and `say` keeps the call up, the
 * gateway's `end` action being the way to hang up. Null when a required field is missing.
 */
export function toHmsSovereignControlBody(input: ControlInput): HmsSovereignControlBody | null {
  switch (input.action) {
    case 'say':
      return input.text ? { type: 'say', content: input.text, end_after: false } : null;
    case 'inject_context':
      return input.text ? { type: 'inject-context', content: input.text, trigger_response: false } : null;
    case 'transfer':
      return input.to
        ? { type: 'transfer', destination: input.to, ...(input.text ? { message: input.text } : {}) }
        : null;
    case 'end':
      return { type: 'end-call', ...(input.text ? { message: input.text } : {}) };
    default:
      return null;
  }
}

/** Assistant → VendorAgent. `webhook_secret` is part of the vendor's read type and is dropped. */
export function fromHmsSovereignAssistant(assistant: HmsSovereignAssistant): VendorAgent {
  const llm = isRecord(assistant.llm_config) ? assistant.llm_config : {};
  const tts = isRecord(assistant.tts_config) ? assistant.tts_config : {};
  return {
    providerAgentId: str(assistant.id) ?? '',
    name: str(assistant.name) ?? '',
    details: dropNulls({
      is_active: bool(assistant.is_active),
      first_message: str(assistant.first_message),
      max_duration_seconds: typeof assistant.max_duration_seconds === 'number' ? assistant.max_duration_seconds : null,
      model: str(llm.model),
      voice: str(tts.voice) ?? str(tts.voice_id),
      webhook_url: str(assistant.webhook_url),
      created_at: toIsoUtc(assistant.created_at),
      updated_at: toIsoUtc(assistant.updated_at),
    }),
  };
}

/**
 * AgentSpec → assistant body. The inner shapes of `llm_config` / `tts_config` are not in the
 * sources (inferred: `system_prompt`, `model`, `voice`). Unset and null fields are left out,
 * so a PATCH only touches what the spec names.
 */
export function toHmsSovereignAssistantBody(spec: Partial<AgentSpec>): HmsSovereignAssistantBody {
  const body: HmsSovereignAssistantBody = {};
  if (spec.name) body.name = spec.name;
  if (spec.firstMessage) body.first_message = spec.firstMessage;
  if (spec.systemPrompt || spec.model) {
    body.llm_config = {
      ...(spec.systemPrompt ? { system_prompt: spec.systemPrompt } : {}),
      ...(spec.model ? { model: spec.model } : {}),
    };
  }
  if (spec.voice) body.tts_config = { voice: spec.voice };
  if (spec.metadata) body.metadata = spec.metadata;
  return body;
}

/** Number → VendorNumber (numbers still say `agent_id` where assistants are meant). */
export function fromHmsSovereignNumber(number: HmsSovereignNumber): VendorNumber {
  return {
    providerNumberId: str(number.id) ?? '',
    number: str(number.phone_number) ?? '',
    providerAgentId: str(number.agent_id),
    details: dropNulls({
      agent_name: str(number.agent_name),
      business_name: str(number.business_name),
      transfer_trunk_id: str(number.transfer_trunk_id),
      transfer_trunk_name: str(number.transfer_trunk_name),
      source: str(number.source),
      is_active: bool(number.is_active),
      created_at: toIsoUtc(number.created_at),
      updated_at: toIsoUtc(number.updated_at),
    }),
  };
}

/** Vendor facts with no normalized slot (`room_name` helps correlate when ids drift). */
function vendorExtras(values: Record<string, unknown>): Record<string, unknown> | null {
  const extras = dropNulls(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, str(v)])));
  return Object.keys(extras).length > 0 ? extras : null;
}

function dropNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
