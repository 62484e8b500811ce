import { Module } from '@nestjs/common';
import { ConfigVariables } from '../config/config.variables';
import { LedgerModule } from '../ledger/ledger.module';
import { ProvidersModule } from '../providers/providers.module';
import { CircuitBreakers } from './circuit-breakers';
import { CONNECTION_SIGNALS, ConnectionSignals } from './connection-signals';
import { DISPATCH_SETTINGS, Dispatcher, DispatchSettings } from './dispatcher';
import { OutcomeHealth } from './outcome-health';

/**
 * Placing calls across connections: the dispatcher (failover, ambiguous creates), on the
 * ledger's settler it shares with the reconciler. Connection health (circuits, call outcomes) comes
 * from the connection-judgement module, through ProvidersModule.
 */
@Module({
  imports: [LedgerModule, ProvidersModule],
  providers: [
    Dispatcher,
    {
      provide: DISPATCH_SETTINGS,
      inject: [ConfigVariables],
      useFactory: (config: ConfigVariables): DispatchSettings => ({
        absentConfirmMs: config.ROUTING_ABSENT_CONFIRM_MS,
      }),
    },
    {
      provide: CONNECTION_SIGNALS,
      inject: [CircuitBreakers, OutcomeHealth],
      useFactory: (breakers: CircuitBreakers, outcomes: OutcomeHealth): ConnectionSignals => ({
        circuitOpen: (id) => breakers.isOpen(id),
        demoted: async (ids) =>
          new Set([...(await outcomes.views(ids))].filter(([, view]) => view.demoted).map(([id]) => id)),
      }),
    },
  ],
  exports: [Dispatcher, CONNECTION_SIGNALS],
})
export class RoutingModule {}
