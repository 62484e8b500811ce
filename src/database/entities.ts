import { AgentBindingEntity, AgentEntity } from '../agents/agent.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { CallEntity } from '../calls/call.entity';
import { EventEntity } from '../events/event.entity';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { InboundWebhookEntity } from '../webhooks-inbound/inbound-webhook.entity';
import { DeliveryEntity } from '../delivery/delivery.entity';
import { WebhookEndpointEntity } from '../webhook-endpoints/webhook-endpoint.entity';

/** Every TypeORM entity of the app; new modules add theirs here. */
export const ENTITIES = [
  ApiKeyEntity,
  ProviderConnectionEntity,
  AgentEntity,
  AgentBindingEntity,
  CallEntity,
  EventEntity,
  IdempotencyKeyEntity,
  InboundWebhookEntity,
  WebhookEndpointEntity,
  DeliveryEntity,
];
