import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { onFailure, onQuietCheck, onSuccess, OutageNote, OutageRules, OutageState } from './outage-state';

export type Dependency = 'database' | 'redis';

const RULES: OutageRules = { summaryEveryMs: 30_000, quietMs: 10_000 };

const LABEL: Record<Dependency, string> = { database: 'Database', redis: 'Redis' };

/** What clients and workers see meanwhile (the README's "Outages" says the same). */
const CONSEQUENCE: Record<Dependency, string> = {
  database: 'requests are answered 503 unavailable and background work waits for it',
  redis: 'per-key rate limits fall back to this instance alone; vendor requests are refused with 503',
};

/**
 * One log line when a dependency becomes unreachable, a summary every 30 s while it stays
 * so, one when it is back — instead of a line (and a stack) per refused request or per
 * worker tick. Messages only: an error object can carry connection parameters.
 */
@Injectable()
export class OutageLogger implements OnApplicationShutdown {
  private readonly logger = new Logger('Outage');
  private readonly outages = new Map<Dependency, OutageState>();
  private readonly quietChecks = new Map<Dependency, NodeJS.Timeout>();

  isDown(dependency: Dependency): boolean {
    return this.outages.has(dependency);
  }

  failed(dependency: Dependency, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const { state, note } = onFailure(this.outages.get(dependency), Date.now(), message, RULES);
    this.outages.set(dependency, state);
    if (note) this.write(dependency, note);
    if (!this.quietChecks.has(dependency)) this.checkQuietIn(dependency, RULES.quietMs);
  }

  succeeded(dependency: Dependency): void {
    const note = onSuccess(this.outages.get(dependency), Date.now());
    if (!note) return;
    this.finish(dependency, note);
  }

  onApplicationShutdown(): void {
    for (const timer of this.quietChecks.values()) clearTimeout(timer);
    this.quietChecks.clear();
  }

  private checkQuietIn(dependency: Dependency, ms: number): void {
    const timer = setTimeout(() => {
      this.quietChecks.delete(dependency);
      const state = this.outages.get(dependency);
      if (!state) return;
      const verdict = onQuietCheck(state, Date.now(), RULES);
      if ('ended' in verdict) this.finish(dependency, verdict.ended);
      else this.checkQuietIn(dependency, verdict.checkAgainInMs);
    }, ms);
    timer.unref();
    this.quietChecks.set(dependency, timer);
  }

  private finish(dependency: Dependency, note: OutageNote): void {
    this.outages.delete(dependency);
    clearTimeout(this.quietChecks.get(dependency));
    this.quietChecks.delete(dependency);
    this.write(dependency, note);
  }

  private write(dependency: Dependency, note: OutageNote): void {
    const label = LABEL[dependency];
    switch (note.kind) {
      case 'started':
        this.logger.warn(
          { dependency, outage: 'started', error: note.message },
          `${label} unreachable: ${CONSEQUENCE[dependency]}`,
        );
        return;
      case 'ongoing':
        this.logger.warn(
          {
            dependency,
            outage: 'ongoing',
            error: note.message,
            failures: note.failures,
            failures_since_last_report: note.failuresSinceReport,
            for_seconds: Math.round(note.forMs / 1000),
          },
          `${label} still unreachable`,
        );
        return;
      case 'ended':
        this.logger.log(
          { dependency, outage: 'ended', failures: note.failures, lasted_seconds: Math.round(note.lastedMs / 1000) },
          `${label} reachable again`,
        );
    }
  }
}
