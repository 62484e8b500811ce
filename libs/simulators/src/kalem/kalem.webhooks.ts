import type { OutgoingWebhook } from '../common';
import type { KalemCallRecord, KalemCallStatus, WebhookTarget } from './kalem.views';
import { kalemTime, toCallObject } from './kalem.views';

/**
 * Status-webhook spelling. The documented prose is `initiated → ringing → in-progress →
 * completed`; the terminal failures follow the same hyphen style (`no-answer`).
 */
export type KalemWebhookStatus =
  'initiated' | 'ringing' | 'in-progress' | 'completed' | 'failed' | 'no-answer' | 'busy';

export function webhookStatus(status: KalemCallStatus): KalemWebhookStatus {
  if (status === 'pending') return 'initiated';
  return status.replace(/_/g, '-') as KalemWebhookStatus;
}

/** Kalem's outgoing HTTP client is Laravel's (Guzzle); the custom headers go last so they win. */
function headersFor(target: WebhookTarget, withBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': 'GuzzleHttp/7', Accept: 'application/json' };
  if (withBody) headers['Content-Type'] = 'application/json';
  for (const { key, value } of target.headers) {
    const existing = Object.keys(headers).find((name) => name.toLowerCase() === key.toLowerCase());
    if (existing) delete headers[existing];
    headers[key] = value;
  }
  return headers;
}

function outgoing(target: WebhookTarget, event: string, payload: unknown): OutgoingWebhook {
  // Kalem leaves GET payload transport unknown; the simulator sends GET without a body.
  const withBody = target.method !== 'GET';
  return {
    url: target.url,
    method: target.method,
    headers: headersFor(target, withBody),
    body: withBody ? JSON.stringify(payload) : undefined,
    event,
  };
}

/** "Lightweight" call-status payload (assumed shape, docs/vendors/kalem.md § Webhooks). */
export function callStatusPayload(call: KalemCallRecord, status: KalemWebhookStatus, at: Date) {
  return {
    call_id: call.call_id,
    status,
    to_number: call.to_number,
    from_number: call.from_number,
    timestamp: kalemTime(at),
    metadata: call.metadata ?? {},
  };
}

export function callStatusWebhook(call: KalemCallRecord, status: KalemWebhookStatus, at: Date): OutgoingWebhook | null {
  if (!call.call_status_webhook) return null;
  return outgoing(call.call_status_webhook, `call-status:${status}`, callStatusPayload(call, status, at));
}

const TRANSCRIPT = (agent: string) => [
  { role: 'agent', text: `Hello, this is ${agent} calling from Kalem. Is now a good time?` },
  { role: 'user', text: 'Yes, go ahead.' },
  { role: 'agent', text: 'Great, I only need a minute to confirm your details.' },
  { role: 'user', text: 'Sure, thanks. Bye.' },
];

/** "Full" post-call payload: the Call object plus summary, transcriptions and metadata. */
export function postCallPayload(call: KalemCallRecord) {
  const answered = call.status === 'completed';
  return {
    ...toCallObject(call),
    summary: answered ? `${call.agent} reached the callee and completed the conversation.` : null,
    transcriptions: answered ? TRANSCRIPT(call.agent) : [],
    metadata: call.metadata ?? {},
  };
}

export function postCallWebhook(call: KalemCallRecord): OutgoingWebhook | null {
  if (!call.post_call_webhook) return null;
  return outgoing(call.post_call_webhook, 'post-call', postCallPayload(call));
}
