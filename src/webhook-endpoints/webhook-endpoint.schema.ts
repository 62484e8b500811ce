import type { SchemaObject } from '@nestjs/swagger';
import {
  arrayOf,
  bool,
  constant,
  integer,
  listOf,
  nullableText,
  nullableTime,
  object,
  ref,
  text,
  time,
} from '../common/api-docs';

export const WEBHOOK_ENDPOINT_SCHEMAS: Record<string, SchemaObject> = {
  WebhookEndpoint: object({
    id: text('`whe_…`'),
    object: constant('webhook_endpoint'),
    url: text(),
    description: nullableText(),
    event_types: arrayOf(text(), 'Exact types or `call.*`; empty = every event (see EventType)'),
    enabled: bool(),
    disabled_reason: nullableText(
      'Why the gateway disabled it (every attempt failed for WEBHOOK_DISABLE_AFTER_SECONDS)',
    ),
    failing_since: nullableTime('Start of the current run of failed attempts'),
    previous_secret_expires_at: nullableTime('Until when the secret before the last rotation still signs deliveries'),
    created_at: time(),
    updated_at: time(),
  }),
  WebhookEndpointWithSecret: {
    allOf: [
      ref('WebhookEndpoint'),
      object({
        secret: text('`whsec_…`: shown in this answer only', { example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
      }),
    ],
  },
  WebhookEndpointList: listOf('WebhookEndpoint'),
  Delivery: object({
    id: text('`dlv_…`'),
    object: constant('delivery'),
    event_id: text(),
    event_type: ref('EventType'),
    event_sequence: integer(),
    endpoint_id: nullableText("Null for a delivery to a call's own webhook_url"),
    url: nullableText("The call's webhook_url for a per-call delivery; null for an endpoint's"),
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed'] },
    attempt_count: integer(),
    attempts: arrayOf(
      object({
        at: time(),
        status_code: integer('Null when no response came', { nullable: true }),
        latency_ms: integer(),
        response_snippet: nullableText("The first 500 characters of the consumer's answer"),
        error: nullableText(),
      }),
    ),
    next_attempt_at: nullableTime('While pending'),
    created_at: time(),
    completed_at: nullableTime(),
  }),
  DeliveryList: listOf('Delivery'),
  Redelivery: object({ object: constant('list'), data: arrayOf(ref('Delivery'), 'The new deliveries') }),
  Replay: object({
    object: constant('replay'),
    endpoint_id: text(),
    after_sequence: integer(),
    deliveries_created: integer(),
  }),
  DefaultWebhookSecret: object({
    object: constant('default_webhook_secret'),
    secret: text("`whsec_…`: signs deliveries to calls' own webhook_url"),
  }),
};
