import { createHmac } from 'node:crypto';
import type { WebhookStream } from '../common';
import type { KlenCall, KlenCallEvent, KlenState } from './klen.state';
import { webhookPayload } from './klen.views';

export const KLEN_SIGNATURE_HEADER = 'X-Klen-Signature';

/** Inferred scheme (the security page is not in the sources): lowercase hex HMAC-SHA256 of the raw body. */
export function signKlenBody(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Sends one event of one call to every active endpoint subscribed to it; each endpoint
 * gets its own copy signed with its own secret. Subscriptions are read at send time, so
 * an endpoint registered mid-call receives the rest of that call's events.
 */
export function emitCallEvent(
  state: KlenState,
  stream: WebhookStream,
  call: KlenCall,
  event: KlenCallEvent,
  at: Date,
): void {
  const subscribers = state.subscribers(event);
  if (!subscribers.length) return;
  const body = JSON.stringify(webhookPayload(call, event, at));
  for (const endpoint of subscribers) {
    stream.send({
      url: endpoint.url,
      event,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Klen-Webhooks/1.0',
        [KLEN_SIGNATURE_HEADER]: signKlenBody(endpoint.secret, body),
      },
    });
  }
}
