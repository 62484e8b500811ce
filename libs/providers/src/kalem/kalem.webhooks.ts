import { hash, timingSafeEqual } from 'node:crypto';
import type {
  InboundWebhookRequest,
  ParsedWebhook,
  ProviderCall,
  WebhookObservation,
  WebhookVerification,
} from '@switchboard/core';
import { toIsoUtc } from '../common';
import type { KalemCall, KalemCreateCallBody } from './kalem.mappers';
import { KALEM_REFERENCE_KEY, mapKalemCall, mapKalemStatus } from './kalem.mappers';

/**
 * Kalem signs nothing; the only proof of origin it offers is echoing headers chosen at
 * create time. The gateway's per-connection secret travels in this one.
 */
export const KALEM_WEBHOOK_SECRET_HEADER = 'X-Switchboard-Webhook-Secret';

/** Kalem has no event names, so the gateway names the two payload kinds itself. */
export const KALEM_EVENT_CALL_STATUS = 'call_status';
export const KALEM_EVENT_POST_CALL = 'post_call';

export type KalemWebhookFields = Pick<
  KalemCreateCallBody,
  | 'call_status_webhook_url'
  | 'call_status_webhook_method'
  | 'call_status_webhook_headers'
  | 'post_call_webhook_url'
  | 'post_call_webhook_method'
  | 'post_call_webhook_headers'
>;

/**
 * The gateway's webhook target as Kalem's per-call create fields. Both kinds go to the same
 * URL: the payload shape tells them apart. POST is asked for explicitly because a GET
 * post-call webhook would arrive without a body.
 */
export function toKalemWebhookFields(webhook: { url: string; secret: string }): KalemWebhookFields {
  const headers = [{ key: KALEM_WEBHOOK_SECRET_HEADER, value: webhook.secret }];
  return {
    call_status_webhook_url: webhook.url,
    call_status_webhook_method: 'POST',
    call_status_webhook_headers: headers,
    post_call_webhook_url: webhook.url,
    post_call_webhook_method: 'POST',
    post_call_webhook_headers: headers.map((h) => ({ ...h })),
  };
}

/** Constant-time check of the echoed secret header. Never throws. */
export function verifyKalemWebhook(request: InboundWebhookRequest, secret: string): WebhookVerification {
  const raw: unknown = request?.headers?.[KALEM_WEBHOOK_SECRET_HEADER.toLowerCase()];
  // Some HTTP stacks hand over repeated headers as arrays; Kalem sends it once, so an array is not Kalem.
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'missing_signature' };
  if (typeof secret !== 'string' || secret === '') return { ok: false, reason: 'bad_signature' };
  // Hashing both sides gives equal-length buffers, so timingSafeEqual cannot throw and the
  // comparison leaks neither the secret's length nor where the first mismatch is.
  const same = timingSafeEqual(digest(raw.trim()), digest(secret));
  return same ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

// Keys of the full Call object that the lightweight status payload never carries.
const POST_CALL_KEYS = [
  'summary',
  'transcriptions',
  'ended_at',
  'hangup_cause',
  'duration_seconds',
  'answered_at',
  'started_at',
  'recording_url',
  'cost',
];

/** A verified Kalem webhook body -> what it says about which call. Never throws. */
export function parseKalemWebhook(request: InboundWebhookRequest): ParsedWebhook {
  try {
    const text = Buffer.isBuffer(request?.rawBody) ? request.rawBody.toString('utf8') : '';
    if (text.trim() === '') return invalid('empty body (Kalem sends JSON bodies for POST webhooks)');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return invalid('body is not JSON');
    }
    if (!isObject(body)) return invalid('body is not a JSON object');
    if (typeof body.call_id !== 'string' || body.call_id === '') return invalid('no call_id');
    if (typeof body.status !== 'string' || body.status === '') return invalid('no status');
    const payload = body as unknown as KalemCall & Record<string, unknown>;
    const observation = POST_CALL_KEYS.some((key) => key in payload) ? postCall(payload) : callStatus(payload);
    return { kind: 'call', observation };
  } catch (error) {
    // The mappers tolerate odd types; this only guards against a shape nobody foresaw.
    return invalid(`unreadable Kalem payload (${error instanceof Error ? error.message : 'unknown error'})`);
  }
}

/** `{call_id, status, to_number, from_number, timestamp, metadata}`, status spelled `in-progress`. */
function callStatus(payload: KalemCall & { timestamp?: unknown }): WebhookObservation {
  const call: WebhookObservation['call'] = {
    // No hangup cause here: a bare `failed` stays failed until the post-call payload refines it.
    status: mapKalemStatus(payload.status),
    providerStatus: payload.status,
  };
  if (str(payload.to_number)) call.to = payload.to_number;
  if (str(payload.from_number)) call.from = payload.from_number;
  if (isObject(payload.metadata)) call.metadata = payload.metadata;
  return observation(KALEM_EVENT_CALL_STATUS, toIsoUtc(payload.timestamp), payload, call);
}

/** The full Call object plus `summary`, `transcriptions` and `metadata`, sent once at the end. */
function postCall(payload: KalemCall): WebhookObservation {
  const mapped: Partial<ProviderCall> = mapKalemCall(payload);
  // The mapper fills what a GET cannot say (direction defaults to outbound, no agent id);
  // an event reports only what it carries.
  delete mapped.providerCallId;
  if (payload.direction !== 'inbound' && payload.direction !== 'outbound') delete mapped.direction;
  const call = Object.fromEntries(
    Object.entries(mapped).filter(([, value]) => value !== null),
  ) as WebhookObservation['call'];
  return observation(KALEM_EVENT_POST_CALL, toIsoUtc(payload.ended_at), payload, call);
}

function observation(
  eventType: string,
  occurredAt: string | null,
  payload: KalemCall,
  call: WebhookObservation['call'],
): WebhookObservation {
  const reference = isObject(payload.metadata) ? payload.metadata[KALEM_REFERENCE_KEY] : undefined;
  return {
    eventType,
    occurredAt,
    // The same `call_id` createCall returns and getCall takes.
    providerCallId: payload.call_id,
    reference: typeof reference === 'string' && reference !== '' ? reference : null,
    call,
  };
}

function invalid(message: string): ParsedWebhook {
  return { kind: 'invalid', message: `Kalem webhook: ${message}.` };
}

function str(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
