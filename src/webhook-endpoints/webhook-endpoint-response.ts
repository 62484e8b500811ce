import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface WebhookEndpointResponse {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  /** Set when the gateway disabled the endpoint (deliveries kept failing); null otherwise. */
  disabled_reason: string | null;
  /** Start of the current run of failed attempts; null after any success. */
  failing_since: string | null;
  /** While the previous secret still signs deliveries (24 h after a rotation), until when. */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
  /** Only in the answers to create and rotate-secret. */
  secret?: string;
}

export function toWebhookEndpointResponse(endpoint: WebhookEndpointEntity, now = new Date()): WebhookEndpointResponse {
  const overlap =
    endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
      ? endpoint.previousSecretExpiresAt
      : null;
  return {
    id: endpoint.id,
    object: 'webhook_endpoint',
    url: endpoint.url,
    description: endpoint.description,
    event_types: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    previous_secret_expires_at: overlap?.toISOString() ?? null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}
