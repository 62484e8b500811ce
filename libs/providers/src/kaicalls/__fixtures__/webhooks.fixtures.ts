/**
 * KaiCalls inbound webhooks. KaiCalls documents two per-call events (`call.completed` and
 * `call.failed` with `error: no_answer`); those come from @switchboard/vendor-docs. The other
 * failure reasons are the values docs/vendors/kaicalls.md § Gaps expects beside `no_answer` (`busy`, `failed`,
 * `voicemail`), in the documented `call.failed` shape. `webhook.test` is the synthetic event
 * of account subscriptions (`POST /webhooks/test`): authentic, but about no call.
 */
import * as kaicalls from '@switchboard/vendor-docs/kaicalls.examples';

/** The secret the gateway put as the last path segment of the call's `webhook_url`. */
export const pathSecret = 'kc_hook_5ZQp2wYc8hFvN0rT3mXa7LdK1sBe9UgJ';

export const callCompleted = kaicalls.callCompletedWebhook;

export const callFailedNoAnswer = kaicalls.callFailedWebhook;

export const callFailedBusy = { ...kaicalls.callFailedWebhook, error: 'busy', timestamp: '2026-02-15T14:30:41Z' };

export const callFailedOther = { ...kaicalls.callFailedWebhook, error: 'failed', timestamp: '2026-02-15T14:30:05Z' };

export const callFailedVoicemail = {
  ...kaicalls.callFailedWebhook,
  error: 'voicemail',
  timestamp: '2026-02-15T14:31:30Z',
};

export const webhookTest = { event: 'webhook.test', webhook_id: 'uuid-webhook1', timestamp: '2026-02-15T14:00:00Z' };

/** A delivery as the gateway hands it over: lower-cased headers, raw bytes, the URL's token. */
export function delivery(payload: unknown, pathToken: string | null = pathSecret, raw?: string) {
  return {
    headers: { 'content-type': 'application/json' } as Record<string, string | undefined>,
    rawBody: Buffer.from(raw ?? JSON.stringify(payload), 'utf8'),
    pathToken,
  };
}
