import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { EventEntity } from '../events/event.entity';
import { EventsService } from '../events/events.service';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersModule } from '../providers/providers.module';
import { CallEntity } from './call.entity';
import { CallRouter } from './call-router';
import { CallSyncService } from './call-sync.service';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';

@Module({
  imports: [TypeOrmModule.forFeature([CallEntity, EventEntity, ProviderConnectionEntity]), ProvidersModule, AgentsModule],
  controllers: [CallsController],
  providers: [CallsService, CallSyncService, CallRouter, EventsService],
})
export class CallsModule {}
