import type { CircuitState, IBreaker } from 'cockatiel';
import { ConsecutiveBreaker } from 'cockatiel';
import { FailureRateBreaker } from './failure-rate-breaker';

/**
 * Opens when any of its rules would. cockatiel's circuit breaker takes exactly one breaker,
 * so two rules (failures in a row, failure rate over a window) are combined here. Every rule
 * hears every success and failure — none is short-circuited — so each keeps its own count
 * true whichever one trips first.
 */
export class AnyOfBreaker implements IBreaker {
  constructor(private readonly rules: readonly IBreaker[]) {}

  get state(): unknown {
    return this.rules.map((rule) => rule.state);
  }

  set state(value: unknown) {
    const states = Array.isArray(value) ? value : [];
    this.rules.forEach((rule, i) => {
      if (i < states.length) rule.state = states[i];
    });
  }

  success(state: CircuitState): void {
    for (const rule of this.rules) rule.success(state);
  }

  failure(state: CircuitState): boolean {
    let open = false;
    for (const rule of this.rules) open = rule.failure(state) || open;
    return open;
  }
}

export interface BreakerRules {
  /** Failures in a row that open the circuit. */
  consecutiveFailures: number;
  /** Share of failures (0..1] over the window at or above which the circuit opens. */
  failureRate: number;
  samplingWindowMs: number;
  /** Requests the window must hold before its failure rate counts. */
  samplingMinRequests: number;
}

/** The rules one connection's breaker judges by: N failures in a row, or too high a failure rate. */
export function connectionBreaker(rules: BreakerRules): AnyOfBreaker {
  return new AnyOfBreaker([
    new ConsecutiveBreaker(rules.consecutiveFailures),
    new FailureRateBreaker({
      threshold: rules.failureRate,
      windowMs: rules.samplingWindowMs,
      minRequests: rules.samplingMinRequests,
    }),
  ]);
}
