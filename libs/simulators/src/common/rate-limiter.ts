export interface RateWindow {
  limit: number;
  windowMs: number;
  /** Align windows to the UTC calendar (e.g. a daily quota resetting at 00:00 UTC). */
  aligned?: boolean;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the tightest window resets. */
  resetAt: Date;
  /** Seconds until a rejected request may be retried. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters, one set per (key, bucket). A request must fit every window
 * (Kalem: 60/min and 1,000/h); the reported figures are those of the tightest window.
 */
export class FixedWindowLimiter {
  private readonly counters = new Map<string, { start: number; count: number }>();
  enabled = true;

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, windows: RateWindow[]): RateDecision {
    const t = this.now();
    const states = windows.map((w, i) => {
      const start = w.aligned ? t - (t % w.windowMs) : undefined;
      const id = `${key}#${i}`;
      let state = this.counters.get(id);
      if (!state || t >= state.start + w.windowMs || (start !== undefined && state.start !== start)) {
        state = { start: start ?? t, count: 0 };
        this.counters.set(id, state);
      }
      return { w, state };
    });
    const blocked = this.enabled ? states.find(({ w, state }) => state.count >= w.limit) : undefined;
    // While limits are switched off nothing is counted, so switching them back on starts clean.
    if (!blocked && this.enabled) states.forEach(({ state }) => (state.count += 1));
    const tightest =
      blocked ?? states.reduce((a, b) => (b.w.limit - b.state.count < a.w.limit - a.state.count ? b : a));
    const resetMs = tightest.state.start + tightest.w.windowMs;
    return {
      allowed: !blocked,
      limit: tightest.w.limit,
      remaining: Math.max(0, tightest.w.limit - tightest.state.count),
      resetAt: new Date(resetMs),
      retryAfterSeconds: Math.max(1, Math.ceil((resetMs - t) / 1000)),
    };
  }

  reset(): void {
    this.counters.clear();
  }
}
