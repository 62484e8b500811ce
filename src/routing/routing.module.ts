import { Module } from '@nestjs/common';
import { ConfigVariables } from '../config/config.variables';
import { LedgerModule } from '../ledger/ledger.module';
import { ProvidersModule } from '../providers/providers.module';
import { CallSettler } from './call-settler';
import { CONNECTION_SIGNALS, ConnectionSignals } from './connection-signals';
import { DISPATCH_SETTINGS, Dispatcher, DispatchSettings } from './dispatcher';

/**
 * Placing calls across connections: the dispatcher (failover, ambiguous creates) and the
 * settler it shares with the reconciler.
 */
@Module({
  imports: [LedgerModule, ProvidersModule],
  providers: [
    Dispatcher,
    CallSettler,
    {
      provide: DISPATCH_SETTINGS,
      inject: [ConfigVariables],
      useFactory: (config: ConfigVariables): DispatchSettings => ({ absentConfirmMs: config.ROUTING_ABSENT_CONFIRM_MS }),
    },
    { provide: CONNECTION_SIGNALS, useValue: { circuitOpen: () => false, demoted: async () => new Set<string>() } satisfies ConnectionSignals },
  ],
  exports: [Dispatcher, CallSettler, CONNECTION_SIGNALS],
})
export class RoutingModule {}
