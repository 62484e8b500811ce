import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallTargetsModule } from '../call-targets/call-targets.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ConnectionJudgementModule } from '../routing/connection-judgement.module';
import { RateBudgetModule } from '../routing/rate-budget/rate-budget.module';
import { AdapterCache } from './adapter-cache.service';
import { ConnectionsRepository } from './connections.repository';
import { ProviderConnectionEntity } from './provider-connection.entity';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';
import { VendorAddressGuard } from './vendor-address-guard.service';
import { WebhookTargets } from './webhook-targets.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ProviderConnectionEntity]),
    LedgerModule,
    ConnectionJudgementModule,
    RateBudgetModule,
    // Every connection write notifies the instances' call-target caches.
    CallTargetsModule,
    // For the cold admin paths (checking a new connection's credentials); the timeout is set per request.
    HttpModule.register({ timeout: 10_000 }),
  ],
  controllers: [ProvidersController],
  providers: [ProvidersService, AdapterCache, ConnectionsRepository, WebhookTargets, VendorAddressGuard],
  exports: [
    ProvidersService,
    VendorAddressGuard,
    ConnectionsRepository,
    WebhookTargets,
    AdapterCache,
    ConnectionJudgementModule,
  ],
})
export class ProvidersModule {}
