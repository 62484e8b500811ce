/**
 * The documented example bodies (the one copy of docs/vendors/klen.md's examples lives in
 * @switchboard/vendor-docs), the § Gaps defaults, and a shape helper: contract specs compare the
 * simulator's responses with these.
 */
import {
  callDetailResponse,
  callEndedWebhook,
  createCallResponse,
  invalidKeyError,
  listCallsResponse,
  rateLimitedError,
} from '@switchboard/vendor-docs/klen.examples';

export const LIST_EXAMPLE = listCallsResponse;

export const CREATE_EXAMPLE = createCallResponse;

export const DETAIL_EXAMPLE = callDetailResponse;

export const ERROR_EXAMPLE = invalidKeyError;

/** Default 429 body (docs/vendors/klen.md § Gaps). */
export const RATE_LIMITED_EXAMPLE = rateLimitedError;

/** Default for the (undocumented) webhook-create response (docs/vendors/klen.md § Gaps). */
export const WEBHOOK_CREATE_EXAMPLE = {
  id: 1,
  name: 'Gateway',
  url: 'https://gateway.example.com/hooks/klen',
  subscribed_events: ['call.ended'],
  secret: 'whsec_abc',
  is_active: true,
};

/** The documented common webhook payload (here for `call.ended`). */
export const WEBHOOK_EXAMPLE = callEndedWebhook;

/** Contact object in webhooks (docs/vendors/klen.md § Gaps default). */
export const WEBHOOK_CONTACT_EXAMPLE = {
  id: 55,
  name: 'Ana Ruiz',
  email: 'ana@example.com',
  phone: '+15550004444',
  company: 'Ruiz LLC',
};

/** Documented additions to the common payload, per event (docs/vendors/klen.md § Gaps defaults where assumed). */
export function webhookExampleFor(event: string, extra: Record<string, unknown> = {}) {
  const call: Record<string, unknown> = { ...WEBHOOK_EXAMPLE.call, ...extra };
  if (event === 'call.started') call.assistant_id = 'assistant_777';
  if (event === 'call.failed') call.failure_reason = 'no-answer';
  if (event === 'call.transcript') call.transcript = 'Agent: Hi…';
  if (event === 'call.recording') call.recording_url = 'https://storage.example.com/recordings/call_x9y8.mp3';
  return { ...WEBHOOK_EXAMPLE, event_type: event, call };
}

/**
 * The type skeleton of a JSON value: same keys, same types. Arrays take the shape of
 * their first item, so an example and a response compare with one deepEqual.
 */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
}

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
