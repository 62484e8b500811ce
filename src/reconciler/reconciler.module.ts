import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProvidersModule } from '../providers/providers.module';
import { RoutingModule } from '../routing/routing.module';
import { ReconcilerService } from './reconciler.service';

@Module({
  imports: [LedgerModule, ProvidersModule, CallsModule, RoutingModule],
  providers: [ReconcilerService],
  exports: [ReconcilerService],
})
export class ReconcilerModule {}
