import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  CallStatus,
  InboundWebhookRequest,
  ParsedWebhook,
  WebhookObservation,
  WebhookVerification,
} from '@switchboard/core';
import { errorCodeFor, isTerminal } from '@switchboard/core';
import { toIsoUtc } from '../common';
import {
  fromHmsSovereignMessages,
  isRecord,
  mapHmsSovereignStatus,
  normalizeHmsSovereignStatus,
  REFERENCE_KEY,
  refineHmsSovereignFailure,
  str,
} from './hmsovereign.mappers';
import { mapHmsSovereignEndReason } from './hmsovereign.end-reasons';
import type { HmsSovereignWebhookMessage } from './hmsovereign.types';

/** Header names as the gateway hands them over (lower-cased). */
export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';
/** The vendor SDK's window, applied both ways: a timestamp from the future is refused too. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const SIGNATURE_PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;
/** Unix seconds; anything else (milliseconds, ISO text) cannot be what was signed. */
const UNIX_SECONDS = /^\d{1,11}$/;

type Refusal = Extract<WebhookVerification, { ok: false }>['reason'];
const refuse = (reason: Refusal): WebhookVerification => ({ ok: false, reason });

/**
 * `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>` with
 * `X-Webhook-Timestamp` in Unix seconds. The prefix is optional, as in the vendor SDK. The
 * signature is checked before the clock, so `stale_timestamp` only ever names an authentic
 * but replayed or delayed delivery.
 */
export function verifyHmsSovereignWebhook(
  request: InboundWebhookRequest,
  secret: string,
  now: Date,
): WebhookVerification {
  try {
    const signature = headerOf(request, SIGNATURE_HEADER);
    const timestamp = headerOf(request, TIMESTAMP_HEADER);
    if (!signature || !timestamp) return refuse('missing_signature');
    const hex = signature.startsWith(SIGNATURE_PREFIX) ? signature.slice(SIGNATURE_PREFIX.length) : signature;
    // An empty key is an HMAC anyone can compute: never accept it as proof.
    if (!secret || !UNIX_SECONDS.test(timestamp) || !HEX_SHA256.test(hex) || !Buffer.isBuffer(request.rawBody)) {
      return refuse('bad_signature');
    }
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(request.rawBody).digest();
    if (!timingSafeEqual(Buffer.from(hex, 'hex'), expected)) return refuse('bad_signature');
    const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
    // Written so that an invalid `now` (NaN) refuses rather than accepts.
    return skew <= TIMESTAMP_TOLERANCE_SECONDS ? { ok: true } : refuse('stale_timestamp');
  } catch {
    return refuse('bad_signature');
  }
}

/**
 * A verified body → what it says about which call. `status-update` and `end-of-call-report`
 * describe a call; `tool-calls` and `assistant-request` want an answer (a tool result, an
 * assistant) and say nothing to apply, as does any event type the vendor adds later.
 */
export function parseHmsSovereignWebhook(request: InboundWebhookRequest): ParsedWebhook {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : '');
  } catch {
    return { kind: 'invalid', message: 'HMS Sovereign webhook body is not JSON.' };
  }
  const message = isRecord(body) ? body.message : undefined;
  if (!isRecord(message)) return { kind: 'invalid', message: 'HMS Sovereign webhooks carry a `message` object.' };
  const type = str(message.type);
  if (!type) return { kind: 'invalid', message: 'HMS Sovereign webhook has no `message.type`.' };
  if (type !== 'status-update' && type !== 'end-of-call-report') return { kind: 'ignored', eventType: type };

  const msg = message as HmsSovereignWebhookMessage;
  const providerCallId = isRecord(msg.call) ? str(msg.call.id) : null;
  if (!providerCallId) return { kind: 'invalid', message: `HMS Sovereign ${type} has no \`message.call.id\`.` };
  const rawStatus = str(msg.call?.status);
  if (type === 'status-update' && !rawStatus) {
    return { kind: 'invalid', message: 'HMS Sovereign status-update has no `message.call.status`.' };
  }
  const occurredAt = toIsoUtc(msg.timestamp);
  const observation: WebhookObservation = {
    // Both events of an answered call's status-updates share a type; the status tells them apart.
    eventType: type === 'status-update' ? `${type}:${rawStatus}` : type,
    occurredAt,
    providerCallId,
    reference: referenceOf(msg),
    call: {
      ...partiesOf(msg),
      ...statusOf(rawStatus, msg.error, type === 'status-update' ? occurredAt : null),
      ...(type === 'end-of-call-report' ? reportOf(msg) : {}),
    },
  };
  return { kind: 'call', observation };
}

type CallFacts = WebhookObservation['call'];

/**
 * Status as the existing record mapping reads it, except that `ended-with-error` is refined
 * by its error text like a record's `failed` is: that is the only place a busy or unanswered
 * dial is ever reported in a webhook. A value the mapping does not know gives no status at
 * all (its `queued` fallback would be a claim the event does not make).
 */
function statusOf(raw: string | null, error: unknown, changedAt: string | null): CallFacts {
  if (!raw) return {};
  const normalized = normalizeHmsSovereignStatus(raw);
  const status: CallStatus =
    normalized === 'ended_with_error' ? refineHmsSovereignFailure(error) : mapHmsSovereignStatus(raw, error);
  if (status === 'queued') return { providerStatus: raw };
  const facts: CallFacts = { status, providerStatus: raw };
  // ⚖ a status-update is raised at the change, so its time is the answer or hang-up time.
  if (changedAt && status === 'in_progress') Object.assign(facts, { startedAt: changedAt, answeredAt: changedAt });
  if (changedAt && isTerminal(status)) facts.endedAt = changedAt;
  const errorText = str(error);
  if (isTerminal(status)) {
    // A status-update carries no `end_reason`; its error text is the only reason there is.
    const endReason = mapHmsSovereignEndReason(null, errorText, status);
    facts.endReason = endReason;
    if (errorText) facts.providerEndReason = errorText;
    // As on records: the text explains busy and no-answer too; only a real failure is an error.
    if (status === 'failed')
      facts.error = {
        code: errorCodeFor(endReason),
        message: errorText ?? 'HMS Sovereign reported the call ended with an error.',
      };
  }
  return facts;
}

/** The report's results; fields it leaves out stay unknown rather than cleared. */
function reportOf(msg: HmsSovereignWebhookMessage): CallFacts {
  const facts: CallFacts = {};
  if (typeof msg.duration_seconds === 'number' && Number.isFinite(msg.duration_seconds))
    facts.durationSeconds = msg.duration_seconds;
  const summary = str(msg.summary);
  if (summary) facts.summary = summary;
  const transcript = fromHmsSovereignMessages(msg.messages);
  if (transcript) facts.transcript = transcript;
  const recordingUrl = str(msg.recording_url);
  if (recordingUrl) facts.recordingUrl = recordingUrl;
  if (isRecord(msg.analysis)) facts.analysis = msg.analysis;
  return facts;
}

/**
 * `customer` is the other party and `phone_number` the account's own number, so an outbound
 * call goes to the customer, as the record mapping reads `caller_phone`. Only
 * `inbound_phone_call` is inbound; `outbound_phone_call` and `web_call` were placed by the
 * account.
 */
function partiesOf(msg: HmsSovereignWebhookMessage): CallFacts {
  const direction = str(msg.call?.type)?.toLowerCase() === 'inbound_phone_call' ? 'inbound' : 'outbound';
  const remote = isRecord(msg.customer) ? str(msg.customer.number) : null;
  const own = isRecord(msg.phone_number) ? str(msg.phone_number.number) : null;
  const [to, from] = direction === 'outbound' ? [remote, own] : [own, remote];
  return { direction, ...(to ? { to } : {}), ...(from ? { from } : {}) };
}

/** The gateway's id comes back only where the event includes the call's assistant metadata. */
function referenceOf(msg: HmsSovereignWebhookMessage): string | null {
  const metadata = isRecord(msg.assistant) ? msg.assistant.metadata : undefined;
  return isRecord(metadata) ? str(metadata[REFERENCE_KEY]) : null;
}

function headerOf(request: InboundWebhookRequest, name: string): string | null {
  const value: unknown = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
