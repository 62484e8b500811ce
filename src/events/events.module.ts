import { Module } from '@nestjs/common';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { EventLogRepository } from './event-log.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  controllers: [EventsController],
  providers: [EventLogRepository, EventsService, DeliveriesRepository],
  exports: [EventLogRepository, DeliveriesRepository],
})
export class EventsModule {}
