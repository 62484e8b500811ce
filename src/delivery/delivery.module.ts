import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { WebhookEndpointEntity } from '../webhook-endpoints/webhook-endpoint.entity';
import { WebhookEndpointsRepository } from '../webhook-endpoints/webhook-endpoints.repository';
import { DefaultSigningSecret } from './default-signing-secret';
import { DeliveryWorker } from './delivery-worker';
import { WebhookSender } from './webhook-sender';
import { WebhookUrlGuard } from './webhook-url-guard.service';

/**
 * The delivery engine: workers that send what the outbox (DeliveriesRepository, in the event
 * log's module) enqueued, the SSRF guard and the signing secrets. The endpoints repository
 * lives here because the workers write endpoint health; the endpoints API builds on this.
 * WebhookUrlGuard is exported for the calls module's per-call webhook_url.
 */
@Module({
  imports: [EventsModule, TypeOrmModule.forFeature([WebhookEndpointEntity])],
  providers: [WebhookEndpointsRepository, DeliveryWorker, WebhookSender, WebhookUrlGuard, DefaultSigningSecret],
  exports: [WebhookEndpointsRepository, DeliveryWorker, WebhookUrlGuard, DefaultSigningSecret, EventsModule],
})
export class DeliveryModule {}
