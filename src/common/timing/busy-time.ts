/**
 * Wall time during which at least one of possibly overlapping operations was in flight:
 * the union of their intervals, not their sum. A request's concurrent queries (or a batch
 * create's concurrent vendor requests) therefore never add up to more than the request
 * lasted. A counter of open operations is enough; no interval list is kept.
 */
export class BusyTime {
  private open = 0;
  private since = 0;
  private closedMs = 0;

  begin(at: number): void {
    if (this.open++ === 0) this.since = at;
  }

  end(at: number): void {
    if (this.open === 0) return;
    if (--this.open === 0) this.closedMs += at - this.since;
  }

  /** Covered time up to `now`, counting operations still open as running until now. */
  totalMs(now: number): number {
    return this.closedMs + (this.open > 0 ? now - this.since : 0);
  }
}
