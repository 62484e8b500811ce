import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { EventsModule } from '../events/events.module';
import { EventRedeliveryController } from './event-redelivery.controller';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** The API of outbound webhooks: endpoints, their secrets and deliveries, redelivery and replay. */
@Module({
  imports: [DeliveryModule, EventsModule],
  controllers: [WebhookEndpointsController, EventRedeliveryController],
  providers: [WebhookEndpointsService],
})
export class WebhookEndpointsModule {}
