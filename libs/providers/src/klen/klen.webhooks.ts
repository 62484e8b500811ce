import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  CallStatus,
  InboundWebhookRequest,
  ParsedWebhook,
  ProviderCall,
  WebhookObservation,
  WebhookVerification,
} from '@switchboard/core';
import { toIsoUtc } from '../common';
import { mapKlenCall, mapKlenStatus } from './klen.mappers';

/**
 * Pure functions for Klen's inbound webhooks: `{ event_type, call, timestamp }` bodies,
 * signed in `X-Klen-Signature` with the secret Klen issued when the endpoint was created.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Every call event Klen documents; the gateway subscribes to all of them. */
export const KLEN_CALL_EVENTS = [
  'call.started',
  'call.ended',
  'call.failed',
  'call.transcript',
  'call.recording',
  'call.summary',
] as const;

/** Header names arrive lower-cased (InboundWebhookRequest). */
export const KLEN_SIGNATURE_HEADER = 'x-klen-signature';

/**
 * The expected `X-Klen-Signature` value for a body. ⚖ Klen's security page, which names the
 * algorithm, is not public: lowercase hex HMAC-SHA256 of the raw body is the inferred
 * default, kept as one swappable function so a correction touches nothing else.
 */
export type KlenSignatureAlgorithm = (secret: string, rawBody: Buffer) => string;

export const klenHmacSha256Hex: KlenSignatureAlgorithm = (secret, rawBody) =>
  createHmac('sha256', secret).update(rawBody).digest('hex');

/** Constant-time check of `X-Klen-Signature`; Klen signs no timestamp, so there is no freshness window. */
export function verifyKlenWebhook(
  request: InboundWebhookRequest,
  secret: string,
  sign: KlenSignatureAlgorithm = klenHmacSha256Hex,
): WebhookVerification {
  const header: unknown = request.headers?.[KLEN_SIGNATURE_HEADER];
  const given = typeof header === 'string' ? header.trim() : '';
  if (!given) return { ok: false, reason: 'missing_signature' };
  // An empty key makes the HMAC computable by anyone: nothing can be authentic under it.
  if (!secret || !Buffer.isBuffer(request.rawBody)) return { ok: false, reason: 'bad_signature' };
  const expected = Buffer.from(sign(secret, request.rawBody), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  // The expected length is public (fixed by the algorithm), so checking it first leaks nothing.
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/**
 * Webhook event → normalized status, or null when the event says nothing usable about it.
 * `call.failed` is the only place Klen tells no-answer and busy apart from other failures.
 */
export function mapKlenEventStatus(eventType: unknown, call: Json): CallStatus | null {
  switch (eventType) {
    case 'call.started':
      return 'in_progress';
    case 'call.ended':
      return 'completed';
    case 'call.failed':
      return mapKlenStatus('failed', call.failure_reason);
    default: {
      // Post-call events repeat the call's status; an unknown value is no report at all
      // (mapKlenStatus would read it as `queued`).
      const known =
        typeof call.status === 'string' && /^(queued|in[-_ ]progress|completed|failed)$/i.test(call.status.trim());
      return known ? mapKlenStatus(call.status, call.failure_reason) : null;
    }
  }
}

export interface KlenWebhookCall {
  eventType: string;
  /** The vendor's `timestamp`, never the local clock. */
  occurredAt: string | null;
  call: ProviderCall;
}

/** A webhook body → the full normalized call it describes (unknowns as null or defaults). */
export function mapKlenWebhook(value: unknown): KlenWebhookCall {
  const body = isObject(value) ? value : {};
  const call = isObject(body.call) ? body.call : {};
  return {
    eventType: str(body.event_type) ?? '',
    occurredAt: toIsoUtc(body.timestamp),
    call: mapKlenCall(call, mapKlenEventStatus(body.event_type, call) ?? undefined),
  };
}

/**
 * Only what the payload really carries: mapKlenCall fills gaps with defaults (`outbound`,
 * `queued`, empty providerStatus) that must not overwrite what the gateway already knows.
 */
function observedCall(raw: Json, status: CallStatus | null): WebhookObservation['call'] {
  const full = mapKlenCall(raw, status ?? undefined);
  const observed: WebhookObservation['call'] = {};
  for (const [key, value] of Object.entries(full) as [keyof ProviderCall, unknown][]) {
    if (value !== null && key !== 'providerCallId') (observed as Record<string, unknown>)[key] = value;
  }
  if (status === null) {
    delete observed.status;
    delete observed.error;
    // Without a status the event says nothing about how the call ended.
    delete observed.endReason;
    delete observed.providerEndReason;
  }
  if (!full.providerStatus) delete observed.providerStatus;
  if (str(raw.type) === null) {
    delete observed.direction;
    delete observed.to;
    delete observed.from;
  }
  return observed;
}

/** A verified Klen webhook → what it says about which call. Never throws. */
export function parseKlenWebhook(request: InboundWebhookRequest): ParsedWebhook {
  try {
    return parseBody(request.rawBody);
  } catch {
    // The parser is total by construction; this keeps a future slip from becoming a 500.
    return { kind: 'invalid', message: 'Unreadable Klen webhook body.' };
  }
}

function parseBody(rawBody: Buffer): ParsedWebhook {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : String(rawBody));
  } catch {
    return { kind: 'invalid', message: 'Klen webhook body is not JSON.' };
  }
  if (!isObject(body)) return { kind: 'invalid', message: 'Klen webhook body is not a JSON object.' };
  const eventType = str(body.event_type);
  if (eventType === null) return { kind: 'invalid', message: 'Klen webhook has no event_type.' };
  // Calendar events (and any future non-call event) are authentic but concern no call.
  if (!eventType.startsWith('call.')) return { kind: 'ignored', eventType };
  if (!isObject(body.call)) return { kind: 'invalid', message: `Klen ${eventType} webhook has no call object.` };
  const raw = body.call;
  // Only the string id matches what createCall returned; the integer `call.id` never would.
  const providerCallId = str(raw.klen_call_id);
  if (providerCallId === null)
    return { kind: 'invalid', message: `Klen ${eventType} webhook has no call.klen_call_id.` };
  return {
    kind: 'call',
    observation: {
      eventType,
      occurredAt: toIsoUtc(body.timestamp),
      providerCallId,
      // Klen echoes neither `variables` nor any other metadata in webhooks.
      reference: null,
      call: observedCall(raw, mapKlenEventStatus(eventType, raw)),
    },
  };
}
