import type { IBreaker } from 'cockatiel';
import { CircuitState } from 'cockatiel';

export interface FailureRateOptions {
  /** Share of failures (0..1] at or above which the circuit opens. */
  threshold: number;
  windowMs: number;
  /** Requests the window must hold before the rate is judged at all. */
  minRequests: number;
}

const BUCKETS = 20;

interface Bucket {
  /** Which bucket-length of time since the epoch this one counts; -1 when unused. */
  slot: number;
  failures: number;
  successes: number;
}

/**
 * Opens when the failures among the requests of the last `windowMs` reach `threshold`, once
 * there were at least `minRequests` of them. The window is 20 buckets of time, each expired
 * by the clock.
 *
 * Why not cockatiel's SamplingBreaker: it expires one sub-window per request rather than by
 * time, so after a quiet spell the failures from before it still count (its window spans
 * the last N busy seconds, not the last N seconds); and it takes a minimum request *rate*,
 * where a connection's traffic is better judged by a count.
 */
export class FailureRateBreaker implements IBreaker {
  private buckets: Bucket[] = Array.from({ length: BUCKETS }, () => ({ slot: -1, failures: 0, successes: 0 }));
  private readonly bucketMs: number;

  constructor(private readonly options: FailureRateOptions) {
    if (!(options.threshold > 0 && options.threshold <= 1))
      throw new RangeError(`threshold must be in (0, 1], got ${options.threshold}`);
    this.bucketMs = Math.max(1, Math.ceil(options.windowMs / BUCKETS));
  }

  get state(): unknown {
    return { buckets: this.buckets.map((b) => ({ ...b })) };
  }

  set state(value: unknown) {
    const buckets = (value as { buckets?: Bucket[] } | null)?.buckets;
    if (Array.isArray(buckets) && buckets.length === BUCKETS) this.buckets = buckets.map((b) => ({ ...b }));
  }

  success(state: CircuitState): void {
    // The probe passed: what was counted before the circuit opened says nothing now.
    if (state === CircuitState.HalfOpen)
      this.buckets.forEach((b) => Object.assign(b, { slot: -1, failures: 0, successes: 0 }));
    this.current().successes += 1;
  }

  failure(state: CircuitState): boolean {
    this.current().failures += 1;
    if (state !== CircuitState.Closed) return true;
    const { failures, total } = this.totals();
    return total >= this.options.minRequests && failures / total >= this.options.threshold;
  }

  private current(): Bucket {
    const slot = Math.floor(Date.now() / this.bucketMs);
    const bucket = this.buckets[slot % BUCKETS];
    if (bucket.slot !== slot) Object.assign(bucket, { slot, failures: 0, successes: 0 });
    return bucket;
  }

  private totals(): { failures: number; total: number } {
    const oldest = Math.floor(Date.now() / this.bucketMs) - BUCKETS + 1;
    let failures = 0;
    let total = 0;
    for (const b of this.buckets) {
      if (b.slot < oldest) continue;
      failures += b.failures;
      total += b.failures + b.successes;
    }
    return { failures, total };
  }
}
