import { hash, timingSafeEqual } from 'node:crypto';
import type {
  InboundWebhookRequest,
  ParsedWebhook,
  ProviderCall,
  WebhookObservation,
  WebhookVerification,
} from '@switchboard/core';
import { toIsoUtc } from '../common';
import { toProviderCall } from './kaicalls.mappers';

/** The per-call events KaiCalls documents, with the status each one stands for. */
const CALL_EVENTS: Readonly<Record<string, 'completed' | 'failed'>> = {
  'call.completed': 'completed',
  'call.failed': 'failed',
};

/**
 * What a KaiCalls event may say about a call. Everything else `toProviderCall` fills
 * (direction, numbers, agent, cost) is a default, not something the event said.
 */
const REPORTED_FIELDS = [
  'status',
  'providerStatus',
  'durationSeconds',
  'endedAt',
  'endReason',
  'providerEndReason',
  'error',
  'recordingUrl',
  'summary',
  'analysis',
] as const;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * KaiCalls signs nothing it sends to a per-call `webhook_url`, so the proof is the secret the
 * gateway put as that URL's last path segment: only KaiCalls was told the URL. Both sides are
 * hashed first so `timingSafeEqual` compares equal lengths and a token's length leaks nothing.
 * The body is not covered: anyone holding the URL could send any body, which is why the URL
 * must stay secret (it is the credential). Headers play no part; the account-subscription
 * signature scheme is unpublished and never used on per-call deliveries.
 */
export function verifyKaiCallsWebhook(request: InboundWebhookRequest, secret: string): WebhookVerification {
  const token = typeof request?.pathToken === 'string' ? request.pathToken : '';
  if (token === '') return { ok: false, reason: 'missing_signature' };
  // An unset connection secret must never match an empty or guessed token.
  if (typeof secret !== 'string' || secret === '') return { ok: false, reason: 'bad_signature' };
  return timingSafeEqual(digest(token), digest(secret)) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * A verified delivery -> what it says about which call. `call.completed` and `call.failed`
 * are the only call events; any other `event` is authentic but about nothing the gateway
 * tracks (e.g. an account subscription's `webhook.test`). Never throws.
 */
export function parseKaiCallsWebhook(request: InboundWebhookRequest): ParsedWebhook {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.isBuffer(request?.rawBody) ? request.rawBody.toString('utf8') : '');
  } catch {
    return { kind: 'invalid', message: 'KaiCalls webhook body is not JSON.' };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { kind: 'invalid', message: 'KaiCalls webhook body is not a JSON object.' };
  }
  const body = payload as Record<string, unknown>;
  const eventType = str(body.event);
  if (!eventType) return { kind: 'invalid', message: 'KaiCalls webhook has no `event`.' };
  const implied = CALL_EVENTS[eventType];
  if (!implied) return { kind: 'ignored', eventType };
  const providerCallId = str(body.call_id);
  if (!providerCallId) return { kind: 'invalid', message: `KaiCalls ${eventType} webhook has no \`call_id\`.` };
  return { kind: 'call', observation: observationOf(eventType, providerCallId, body, implied) };
}

function observationOf(
  eventType: string,
  providerCallId: string,
  body: Record<string, unknown>,
  implied: 'completed' | 'failed',
): WebhookObservation {
  // The event name decides the outcome, so a missing or odd `status` cannot turn a
  // `call.failed` into anything but a failure; `error` then refines it (no_answer, busy).
  const mapped = toProviderCall({ ...body, id: providerCallId, status: implied });
  const call: Partial<ProviderCall> = {};
  for (const field of REPORTED_FIELDS) {
    if (mapped[field] !== null && mapped[field] !== undefined) (call as Record<string, unknown>)[field] = mapped[field];
  }
  // Kept raw for logs when the vendor sent one; the normalized status above does not use it.
  call.providerStatus = str(body.status) ?? implied;
  return {
    eventType,
    occurredAt: toIsoUtc(body.timestamp),
    providerCallId,
    // The body has no metadata to echo, and the request the adapter sees has no query string.
    reference: null,
    call,
  };
}
