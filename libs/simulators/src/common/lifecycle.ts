import type { SimClock } from './sim-clock';
import type { Scenario } from './scenario';

/** Fixed simulated delay between accepting a call and the phone starting to ring. */
export const QUEUE_MS = 1_000;

export interface LifecycleHooks {
  /** The vendor has started dialing: the phone rings. */
  ringing(at: Date): void;
  /** Answered (completed outcome only). */
  answered(at: Date): void;
  /** Final state; `answeredAt` is set only when the call was answered. */
  ended(at: Date, outcome: Scenario['outcome'], durationSeconds: number): void;
}

/**
 * Drives one call through queued → ringing → (in progress →) ended on the simulated clock.
 * Vendors translate each step into their own statuses and webhooks. Returns a function
 * that stops the remaining steps (used when a call is ended through the API).
 */
export function runLifecycle(clock: SimClock, scenario: Scenario, hooks: LifecycleHooks): () => void {
  const cancels: (() => void)[] = [];
  let stopped = false;
  const step = (ms: number, fn: () => void) => cancels.push(clock.after(ms, () => !stopped && fn()));

  step(QUEUE_MS, () => {
    hooks.ringing(clock.now());
    step(scenario.ring_ms, () => {
      if (scenario.outcome !== 'completed') {
        hooks.ended(clock.now(), scenario.outcome, 0);
        return;
      }
      hooks.answered(clock.now());
      step(scenario.talk_ms, () =>
        hooks.ended(clock.now(), 'completed', Math.max(1, Math.round(scenario.talk_ms / 1000))),
      );
    });
  });

  return () => {
    stopped = true;
    cancels.forEach((cancel) => cancel());
  };
}
