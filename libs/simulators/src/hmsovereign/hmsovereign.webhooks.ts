import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OutgoingWebhook } from '../common';
import type {
  AccountSettings,
  AssistantRecord,
  CallRecord,
  HmsCall,
  HmsWebhookCallStatus,
  WebhookTarget,
} from './hmsovereign.types';

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`, as the vendor documents it. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check (what the vendor's SDK does): prefix optional, constant time. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body).slice('sha256='.length));
  const given = Buffer.from(signature.startsWith('sha256=') ? signature.slice('sha256='.length) : signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Headers of every delivery; the signature only when the destination has a secret. */
export function webhookHeaders(event: string, body: string, secret: string | null, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'Content-Type': 'application/json',
    // Sic: the vendor documents `User-Assistant`, not `User-Agent`.
    'User-Assistant': 'HMS-Sovereign/1.0',
    'X-Webhook-Event': event,
    'X-Webhook-Timestamp': timestamp,
    ...(secret ? { 'X-Webhook-Signature': signWebhook(secret, timestamp, body) } : {}),
  };
}

const webhookFields = (source: Partial<AssistantRecord> | Record<string, unknown>) => ({
  url: (source.webhook_url as string | null | undefined) ?? null,
  secret: (source.webhook_secret as string | null | undefined) ?? null,
  events: (source.webhook_events as string[] | null | undefined) ?? null,
});

/**
 * Where a call's webhooks go: the per-call config (transient `assistant` or saved assistant
 * with `assistant_override` on top), else the dashboard's account webhook, which gets every event.
 */
export function resolveTarget(config: Record<string, unknown>, account: AccountSettings): WebhookTarget | null {
  const own = webhookFields(config);
  if (own.url) return { url: own.url, secret: own.secret, events: own.events };
  return account.webhook_url ? { url: account.webhook_url, secret: account.webhook_secret, events: null } : null;
}

const wants = (target: WebhookTarget, event: string) => target.events === null || target.events.includes(event);

/** The `message` envelope every event shares. */
function envelope(
  type: string,
  record: CallRecord,
  callStatus: HmsWebhookCallStatus,
  now: Date,
): Record<string, unknown> {
  const name = record.business_name ?? record.agent_name;
  return {
    type,
    timestamp: now.toISOString(),
    call: { id: record.id, type: 'outbound_phone_call', status: callStatus },
    // `name` is optional in the SDK type: left out rather than invented when the number has none.
    phone_number: { number: record.assistant_phone, ...(name ? { name } : {}) },
    customer: { number: record.caller_phone },
  };
}

export function statusUpdate(record: CallRecord, status: HmsWebhookCallStatus, now: Date) {
  const message = envelope('status-update', record, status, now);
  if (status === 'ended-with-error') message.error = record.error ?? 'Call failed';
  return { message };
}

export function endOfCallReport(call: HmsCall, now: Date) {
  const { record } = call;
  const message: Record<string, unknown> = {
    ...envelope('end-of-call-report', record, 'ended', now),
    duration_seconds: record.duration_seconds,
    summary: record.summary ?? '',
    messages: record.messages,
  };
  if (record.recording_url) message.recording_url = record.recording_url;
  if (record.analysis_result) message.analysis = record.analysis_result;
  return { message };
}

export function toolCalls(call: HmsCall, toolName: string, toolCallId: string, now: Date) {
  return {
    message: {
      ...envelope('tool-calls', call.record, 'in-progress', now),
      tool_call_list: [{ id: toolCallId, type: 'function', function: { name: toolName, arguments: {} } }],
      assistant: call.config.assistant,
    },
  };
}

/** Queues one event on the call's stream (which applies the scenario's webhook mode). */
export function emit(call: HmsCall, event: string, payload: unknown, now: Date, target = call.config.target): void {
  if (!target || !wants(target, event)) return;
  const body = JSON.stringify(payload);
  const hook: OutgoingWebhook = {
    url: target.url,
    headers: webhookHeaders(event, body, target.secret, now),
    body,
    event,
  };
  call.stream.send(hook);
}
