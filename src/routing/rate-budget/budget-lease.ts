import type { TakeResult } from './rate-budget.store';

type Waiter = { resolve(result: TakeResult): void; reject(error: unknown): void };

const ONE: TakeResult = { granted: true, units: 1 };

/**
 * One instance's share of a budget (one connection, one set of scopes): units taken from the
 * shared store a lease at a time and handed to this instance's requests, one each, while the
 * lease lives. A store take costs a round trip and, in the database, a plpgsql call under the
 * budget's lock; a busy connection makes a few a second this way instead of one per request.
 *
 * The lease asks for as many units as were handed out over the last lease life (the demand),
 * bounded by the terms (leaseTerms: a lease lives at most its windows' slack, which the store
 * counts against them, and holds no more than they average in that time), and never fewer
 * than the requests waiting. Quiet traffic thus asks for one at a time, as before leases;
 * units a lease still holds when it dies are lost to the budget until they leave its windows.
 * Takes never overlap: requests that find the lease empty wait for the one take in flight and
 * share what it brings (the first such request starts it at once, so it asks for that one and
 * the demand); a refusal or a store failure answers all of them.
 */
export class BudgetLease {
  private units = 0;
  private diesAt = 0;
  private taking = false;
  private readonly waiting: Waiter[] = [];
  private periodStart = -Infinity;
  private handedOut = 0;
  private lastDemand = 0;

  constructor(
    private readonly take: (units: number) => Promise<TakeResult>,
    private readonly terms: { lifeMs: number; maxUnits: number },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** One unit now if the lease holds one (no store round trip), else false. */
  tryTake(): boolean {
    if (this.units > 0 && this.now() < this.diesAt) {
      this.units--;
      this.counted(1);
      return true;
    }
    this.units = 0;
    return false;
  }

  /** One unit: from the lease, else through the store (what the take brought, or its refusal). */
  acquire(): Promise<TakeResult> {
    if (this.tryTake()) return Promise.resolve(ONE);
    return new Promise<TakeResult>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.refill();
    });
  }

  /** Drops what the lease holds (a vendor 429: the units taken before it no longer stand). */
  drop(): void {
    this.units = 0;
  }

  private refill(): void {
    if (this.taking || !this.waiting.length) return;
    this.taking = true;
    const asked = Math.min(this.terms.maxUnits, Math.max(this.waiting.length, this.demand()));
    // Measured from before the take: the store's clock records it no earlier than this.
    const startedAt = this.now();
    this.take(asked).then(
      (result) => {
        this.taking = false;
        if (!result.granted) {
          for (const w of this.waiting.splice(0)) w.resolve(result);
          return;
        }
        // The requests that waited are sent now, as they were when each took its own unit; only
        // the units kept for later requests are bound by the lease's life. (The lease was
        // empty when the take started: takes start only when tryTake fails.)
        this.units = result.units;
        this.diesAt = startedAt + this.terms.lifeMs;
        let served = 0;
        while (this.units > 0 && served < this.waiting.length) {
          this.units--;
          served++;
        }
        this.counted(served);
        for (const w of this.waiting.splice(0, served)) w.resolve(ONE);
        this.refill();
      },
      (error: unknown) => {
        this.taking = false;
        for (const w of this.waiting.splice(0)) w.reject(error);
      },
    );
  }

  private counted(units: number): void {
    this.rollPeriod();
    this.handedOut += units;
  }

  /** Units handed out over the last lease life, or so far in this one when it is busier. */
  private demand(): number {
    this.rollPeriod();
    return Math.max(this.lastDemand, this.handedOut);
  }

  private rollPeriod(): void {
    const now = this.now();
    const period = Math.max(1, this.terms.lifeMs);
    if (now - this.periodStart < period) return;
    // A gap of more than one period means nothing was asked for in the last one.
    this.lastDemand = now - this.periodStart < 2 * period ? this.handedOut : 0;
    this.handedOut = 0;
    this.periodStart = now;
  }
}
