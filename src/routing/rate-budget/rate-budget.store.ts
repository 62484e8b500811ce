import type { RateLimitScope } from '@switchboard/core';
import type { Dependency } from '../../common/outage/outage-logger';
import type { BudgetWindow, WindowUsage } from './rate-budget-windows';

export type TakeResult =
  /** `units`: how many were taken, all those asked for or, when not all fit, one. */
  | { granted: true; units: number }
  /** `window`: index into the windows given, or null when a vendor's 429 block refused it. */
  | { granted: false; retryAfterMs: number; window: number | null };

/**
 * Where budgets live, shared by every instance: Redis when REDIS_URL is set, the database
 * otherwise. Every time is the store's own clock; callers speak in durations, so instances
 * whose clocks disagree still agree on every window.
 */
export interface RateBudgetStore {
  /** What an unreachable store means for the outage log. */
  readonly dependency: Dependency;
  /**
   * Takes `units` from every window (or, when they do not all fit, one), or nothing: refused
   * when not even one fits in some window (then the wait until it frees) or when any of
   * `blockScopes` is blocked (the wait until the block ends). Each window counts a take for
   * its windowMs + slackMs.
   */
  take(
    key: string,
    windows: readonly BudgetWindow[],
    blockScopes: readonly RateLimitScope[],
    units: number,
  ): Promise<TakeResult>;
  /** Refuses every take of `scope` on `key` for `forMs` (a longer block already there stays). */
  block(key: string, scope: RateLimitScope, forMs: number): Promise<void>;
  /** What each window holds now, and how long the longest block of `blockScopes` still runs (0: none). */
  usage(
    key: string,
    windows: readonly BudgetWindow[],
    blockScopes: readonly RateLimitScope[],
  ): Promise<{ windows: WindowUsage[]; blockedForMs: number }>;
}

export const RATE_BUDGET_STORE = Symbol('RATE_BUDGET_STORE');
