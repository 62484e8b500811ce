import { createHmac, randomBytes } from 'node:crypto';
import type { OutgoingWebhook } from '../common';
import type { KcCall, KcSubscription } from './kaicalls.types';

/** Invented: KaiCalls documents no User-Agent for its webhooks. */
export const WEBHOOK_USER_AGENT = 'KaiCalls-Webhooks/1.0';
/**
 * Account subscriptions are signed but the scheme is unpublished. The simulator uses
 * `X-KaiCalls-Signature: sha256=<hex HMAC-SHA256(webhook_secret, raw body)>` (invented).
 */
export const SIGNATURE_HEADER = 'X-KaiCalls-Signature';
export const EVENT_HEADER = 'X-KaiCalls-Event';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Format invented (`whsec_` + 32 base64url characters); only ever shown once. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** `call.completed` / `call.failed`, exactly the documented keys. */
export function callEvent(call: KcCall): Record<string, unknown> {
  const timestamp = call.ended_at ?? new Date().toISOString();
  if (call.status === 'completed')
    return {
      event: 'call.completed',
      call_id: call.id,
      status: 'completed',
      duration: call.duration,
      recording_url: call.recording_url,
      summary: call.summary,
      timestamp,
    };
  return { event: 'call.failed', call_id: call.id, status: 'failed', error: call.error ?? 'failed', timestamp };
}

/** Per-call `webhook_url`: unsigned (nothing documented); the gateway's URL carries its own token. */
export function perCallWebhook(url: string, payload: Record<string, unknown>): OutgoingWebhook {
  return {
    url,
    headers: { 'Content-Type': 'application/json', 'User-Agent': WEBHOOK_USER_AGENT },
    body: JSON.stringify(payload),
    event: String(payload.event),
  };
}

export function signedWebhook(sub: KcSubscription, payload: Record<string, unknown>): OutgoingWebhook {
  const body = JSON.stringify(payload);
  return {
    url: sub.url,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': WEBHOOK_USER_AGENT,
      [EVENT_HEADER]: String(payload.event),
      [SIGNATURE_HEADER]: signBody(sub.secret, body),
    },
    body,
    event: String(payload.event),
  };
}

/** Active subscriptions that want this event for this call's business. */
export function subscribersFor(subs: Iterable<KcSubscription>, event: string, businessId: string): KcSubscription[] {
  return [...subs].filter(
    (s) => s.is_active && s.events.includes(event) && (s.business_id === null || s.business_id === businessId),
  );
}

/** Everything KaiCalls sends when a call ends: per-call URL first, then account subscriptions. */
export function endOfCallWebhooks(call: KcCall, subs: Iterable<KcSubscription>): OutgoingWebhook[] {
  const payload = callEvent(call);
  const hooks = call.webhook_url ? [perCallWebhook(call.webhook_url, payload)] : [];
  return [
    ...hooks,
    ...subscribersFor(subs, String(payload.event), call.business_id).map((s) => signedWebhook(s, payload)),
  ];
}
