import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProvidersModule } from '../providers/providers.module';
import { CallRefreshService } from './call-refresh.service';
import { CallRouter } from './call-router';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';

@Module({
  imports: [LedgerModule, ProvidersModule, AgentsModule],
  controllers: [CallsController],
  providers: [CallsService, CallRouter, CallRefreshService],
  exports: [CallRefreshService],
})
export class CallsModule {}
