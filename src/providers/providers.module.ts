import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
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
    // Keep-alive to each vendor. The timeout is set per request (VENDOR_TIMEOUT_MS): a create that times out is ambiguous.
    HttpModule.register({
      timeout: 10_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
    }),
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
