import { Module } from '@nestjs/common';
import { CallsRepository } from '../calls/calls.repository';
import { NumberGramStats } from '../calls/number-gram-stats';
import { ConfigVariables } from '../config/config.variables';
import { EventsModule } from '../events/events.module';
import { InboundWebhooksRepository } from '../webhooks-inbound/inbound-webhooks.repository';
import { CallLedger, LEDGER_SETTINGS, LedgerSettings } from './call-ledger';
import { CallSettler } from './call-settler';

/**
 * The call store: the calls and inbound-webhook repositories, the ledger (the only writer
 * of call state) and the settler that ends calls stranded at their vendor. Depends on nothing but the database and the event log, so every
 * feature module (calls, providers, webhooks, reconciler) can build on it without cycles.
 */
@Module({
  imports: [EventsModule],
  providers: [
    CallsRepository,
    NumberGramStats,
    InboundWebhooksRepository,
    CallLedger,
    CallSettler,
    {
      provide: LEDGER_SETTINGS,
      inject: [ConfigVariables],
      useFactory: (config: ConfigVariables): LedgerSettings => ({
        reconcileAfterMs: config.RECONCILE_AFTER_SECONDS * 1000,
        finalReadDelayMs: config.RECONCILE_FINAL_READ_SECONDS * 1000,
      }),
    },
  ],
  exports: [CallsRepository, NumberGramStats, InboundWebhooksRepository, CallLedger, CallSettler, EventsModule],
})
export class LedgerModule {}
