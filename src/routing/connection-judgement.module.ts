import { Module } from '@nestjs/common';
import { ConfigVariables } from '../config/config.variables';
import { LedgerModule } from '../ledger/ledger.module';
import { CIRCUIT_SETTINGS, CircuitBreakers, CircuitSettings } from './circuit-breakers';
import { OUTCOME_SETTINGS, OutcomeHealth } from './outcome-health';
import { OutcomeSettings } from './outcome-rules';

/**
 * How healthy each provider connection is, for routing and for its health view: the circuit
 * breakers (what its API answers) and the call outcomes (what its dials do).
 */
@Module({
  imports: [LedgerModule],
  providers: [
    CircuitBreakers,
    OutcomeHealth,
    {
      provide: CIRCUIT_SETTINGS,
      inject: [ConfigVariables],
      useFactory: (config: ConfigVariables): CircuitSettings => ({
        consecutiveFailures: config.CIRCUIT_CONSECUTIVE_FAILURES,
        failureRate: config.CIRCUIT_FAILURE_RATE_PERCENT / 100,
        samplingWindowMs: config.CIRCUIT_SAMPLING_WINDOW_MS,
        samplingMinRequests: config.CIRCUIT_SAMPLING_MIN_REQUESTS,
        halfOpenAfterMs: config.CIRCUIT_HALF_OPEN_AFTER_MS,
      }),
    },
    {
      provide: OUTCOME_SETTINGS,
      inject: [ConfigVariables],
      useFactory: (config: ConfigVariables): OutcomeSettings => ({
        windowSeconds: config.OUTCOME_WINDOW_SECONDS,
        demoteDialFailureRate: config.OUTCOME_DEMOTE_DIAL_FAILURE_PERCENT / 100,
        demoteMinCalls: config.OUTCOME_DEMOTE_MIN_CALLS,
        cacheMs: config.OUTCOME_CACHE_MS,
      }),
    },
  ],
  exports: [CircuitBreakers, OutcomeHealth],
})
export class ConnectionJudgementModule {}
