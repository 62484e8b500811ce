import { Module } from '@nestjs/common';
import { EventLogRepository } from './event-log.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  controllers: [EventsController],
  providers: [EventLogRepository, EventsService],
  exports: [EventLogRepository],
})
export class EventsModule {}
