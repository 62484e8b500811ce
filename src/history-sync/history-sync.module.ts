import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { ProvidersModule } from '../providers/providers.module';
import { HistorySyncController } from './history-sync.controller';
import { HistorySyncService } from './history-sync.service';

@Module({
  imports: [LedgerModule, ProvidersModule],
  controllers: [HistorySyncController],
  providers: [HistorySyncService],
})
export class HistorySyncModule {}
