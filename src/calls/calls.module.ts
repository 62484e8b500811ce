import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { LedgerModule } from '../ledger/ledger.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ProvidersModule } from '../providers/providers.module';
import { RoutingModule } from '../routing/routing.module';
import { CallRefreshService } from './call-refresh.service';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';

@Module({
  imports: [LedgerModule, ProvidersModule, AgentsModule, RoutingModule, IdempotencyModule, DeliveryModule],
  controllers: [CallsController],
  providers: [CallsService, CallRefreshService],
  exports: [CallRefreshService],
})
export class CallsModule {}
