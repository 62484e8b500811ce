import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { CallTargets } from './call-targets.service';

@Module({
  // The notifier: changes on any instance drop this one's cached agents and connections.
  imports: [EventsModule],
  providers: [CallTargets],
  exports: [CallTargets],
})
export class CallTargetsModule {}
