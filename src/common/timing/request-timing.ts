import { BusyTime } from './busy-time';

/** What a request waits on besides itself. */
export type TimedResource = 'db' | 'vendor';

export interface ServerTimingPhases {
  /** The gateway's own time: the part of the request spent waiting on neither the database nor a vendor. */
  gatewayMs: number;
  dbMs: number;
  vendorMs: number;
}

/**
 * Where one HTTP request's time went. Database and vendor time are each the wall time
 * covered by their operations (overlaps counted once), so the three phases of a sequential
 * request add up to its duration. When the database and a vendor are busy at the same time
 * (a batch create), the gateway's share is what is left when neither was: it never goes
 * negative and never counts waiting as the gateway's own work.
 */
export class RequestTiming {
  private readonly busy: Record<TimedResource, BusyTime> = { db: new BusyTime(), vendor: new BusyTime() };
  private readonly waiting = new BusyTime();
  private vendorReached = false;
  private done = false;
  /** What `finish` answered, once it has: null before, or when no vendor was reached. */
  phases: ServerTimingPhases | null = null;

  constructor(
    private readonly startedAt: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Times `work` as `resource` wait. Work starting after the response went out is not this
   * request's. Not an async function: it runs around every statement and vendor request, and
   * one derived promise is cheaper than an async function's own and its await's.
   */
  measure<T>(resource: TimedResource, work: () => Promise<T>): Promise<T> {
    if (this.done) return work();
    const begun = this.now();
    this.busy[resource].begin(begun);
    this.waiting.begin(begun);
    const end = () => {
      const ended = this.now();
      this.busy[resource].end(ended);
      this.waiting.end(ended);
    };
    let running: Promise<T>;
    try {
      running = work();
    } catch (e) {
      end();
      return Promise.reject(e as Error);
    }
    return running.then(
      (value) => {
        end();
        return value;
      },
      (e: unknown) => {
        end();
        throw e;
      },
    );
  }

  /** A vendor request left the gateway (it answered, or failed after the request was sent). */
  markVendorReached(): void {
    this.vendorReached = true;
  }

  /**
   * Closes the account when the response is sent. Null when no vendor was reached: only
   * those responses carry Server-Timing.
   */
  finish(): ServerTimingPhases | null {
    this.done = true;
    if (!this.vendorReached) return null;
    const now = this.now();
    this.phases = serverTimingPhases({
      totalMs: now - this.startedAt,
      dbMs: this.busy.db.totalMs(now),
      vendorMs: this.busy.vendor.totalMs(now),
      waitingMs: this.waiting.totalMs(now),
    });
    return this.phases;
  }
}

/** `waitingMs`: time during which the database or a vendor (or both) were busy. */
export function serverTimingPhases(input: {
  totalMs: number;
  dbMs: number;
  vendorMs: number;
  waitingMs: number;
}): ServerTimingPhases {
  return { gatewayMs: Math.max(0, input.totalMs - input.waitingMs), dbMs: input.dbMs, vendorMs: input.vendorMs };
}

/** The `Server-Timing` header value (W3C Server Timing: milliseconds in `dur`). */
export function formatServerTiming(phases: ServerTimingPhases): string {
  const ms = (value: number) => value.toFixed(1);
  return `gateway;dur=${ms(phases.gatewayMs)}, db;dur=${ms(phases.dbMs)}, vendor;dur=${ms(phases.vendorMs)}`;
}

/**
 * The tag under which a request's timing rides on what its work passes down: its query runners
 * and data source view (src/database/request-database.ts), its vendor requests
 * (src/providers/vendor-timing.ts).
 */
export const REQUEST_TIMING = Symbol('switchboard.requestTiming');
export type TimingTagged = { [REQUEST_TIMING]?: RequestTiming };

/** Runs `work`, counted as `resource` time of the request that `timing` belongs to, if any. */
export function timedBy<T>(
  timing: RequestTiming | undefined,
  resource: TimedResource,
  work: () => Promise<T>,
): Promise<T> {
  return timing ? timing.measure(resource, work) : work();
}
