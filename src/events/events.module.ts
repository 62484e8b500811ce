import { Module } from '@nestjs/common';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { EventLogRepository } from './event-log.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { EventAnnouncer } from './notifier/event-announcer';
import { eventNotifierProvider } from './notifier/event-notifier.provider';
import { EventStreamsService } from './stream/event-streams.service';
import { StreamMetrics } from './stream/stream-metrics';

@Module({
  controllers: [EventsController],
  providers: [
    EventLogRepository,
    EventAnnouncer,
    EventsService,
    DeliveriesRepository,
    eventNotifierProvider,
    EventStreamsService,
    StreamMetrics,
  ],
  exports: [EventLogRepository, DeliveriesRepository, eventNotifierProvider],
})
export class EventsModule {}
