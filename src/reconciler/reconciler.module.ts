import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProvidersModule } from '../providers/providers.module';
import { CallSettler } from './call-settler';
import { ReconcilerService } from './reconciler.service';

@Module({
  imports: [LedgerModule, ProvidersModule, CallsModule],
  providers: [ReconcilerService, CallSettler],
  exports: [CallSettler, ReconcilerService],
})
export class ReconcilerModule {}
