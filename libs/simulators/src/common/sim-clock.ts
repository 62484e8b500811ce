/**
 * Time for simulators. Lifecycle durations are given in simulated milliseconds (what the
 * vendor reports as duration) and are waited for `ms / speed` real milliseconds, so a
 * 30-second call can finish in under a second of test time. Timestamps stay wall-clock.
 */
export class SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Resolvers of pending real-time sleeps, so cancelAll can release whoever awaits them. */
  private readonly sleepers = new Map<NodeJS.Timeout, (completed: boolean) => void>();

  constructor(public speed = 40) {}

  now(): Date {
    return new Date();
  }

  /** Runs `fn` after `simMs` simulated milliseconds. Returns a cancel function. */
  after(simMs: number, fn: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, simMs / this.speed),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /**
   * Resolves after `realMs` wall-clock milliseconds (for faults, which are not scaled):
   * true when the time passed, false when cancelAll cut it short.
   */
  sleepReal(realMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.sleepers.delete(timer);
        resolve(true);
      }, realMs);
      this.timers.add(timer);
      this.sleepers.set(timer, resolve);
    });
  }

  /**
   * Cancels every pending timer; used by reset and close so nothing fires afterwards.
   * Pending sleeps resolve at once, so a held socket or a waiting retry ends instead of
   * hanging forever.
   */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const sleepers = [...this.sleepers.values()];
    this.sleepers.clear();
    sleepers.forEach((resolve) => resolve(false));
  }
}
