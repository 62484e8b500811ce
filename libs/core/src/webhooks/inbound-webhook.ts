import type { ProviderCall } from '../calls/call.types';

/**
 * How a vendor proves a webhook is its own. None of these is "trust the sender": vendors
 * that sign nothing get a per-connection secret from the gateway that only they know.
 * - `hmac_timestamp`: HMAC over timestamp + body, with a freshness window (HMS Sovereign).
 * - `hmac_body`: HMAC over the raw body (Klen; algorithm kept in the adapter).
 * - `shared_header`: the vendor echoes a header the gateway set on the call (Kalem).
 * - `path_token`: the vendor calls a URL whose last path segment is the secret (KaiCalls).
 */
export type WebhookAuthentication = 'hmac_timestamp' | 'hmac_body' | 'shared_header' | 'path_token';

export interface WebhookCapabilities {
  authentication: WebhookAuthentication;
  /**
   * `per_call`: the gateway's URL (and secret) travel with every create.
   * `per_connection`: registered once per connection with `registerWebhooks`.
   */
  registration: 'per_call' | 'per_connection';
  /**
   * Request headers of the vendor's webhooks that carry a secret or a signature, lowercase.
   * Logs redact every vendor's, so a new vendor's secret stays out of logs by declaring it here.
   */
  secretHeaders: readonly string[];
}

/** Where the vendor should send a connection's webhooks, and the secret the gateway checks. */
export interface WebhookTarget {
  /** Complete URL; for `path_token` vendors the secret is already its last path segment. */
  url: string;
  secret: string;
}

/** What a `per_connection` vendor returned when the gateway registered its URL. */
export interface WebhookRegistration {
  /** The secret the vendor signs with: the gateway's own, or one the vendor issued (Klen). */
  secret: string;
  /** The vendor's id for the registration, when it has one. */
  providerRegistrationId: string | null;
}

/** The request as received, before any parsing: signatures are over these exact bytes. */
export interface InboundWebhookRequest {
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The path segment after the connection id, for `path_token` vendors; null otherwise. */
  pathToken: string | null;
}

export type WebhookVerification =
  { ok: true } | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' };

/** One vendor report about one call. */
export interface WebhookObservation {
  /** The vendor's own name for the event (`call.ended`, `status-update`, `post-call`…). */
  eventType: string;
  /** The vendor's time for it (ISO 8601 UTC), never the local clock; null when absent. */
  occurredAt: string | null;
  providerCallId: string;
  /** The gateway's call id where the vendor echoes it back (metadata); null otherwise. */
  reference: string | null;
  /**
   * What the event says about the call. Fields absent or null are unknown, not cleared;
   * `status` absent means the event says nothing about the status (e.g. a transcript).
   */
  call: Partial<ProviderCall> & { direction?: 'outbound' | 'inbound' };
}

export type ParsedWebhook =
  | { kind: 'call'; observation: WebhookObservation }
  /** Authentic but nothing to apply (tool calls, assistant requests, calendar events). */
  | { kind: 'ignored'; eventType: string }
  /** Not a payload this vendor sends: the gateway answers 400 and applies nothing. */
  | { kind: 'invalid'; message: string };
