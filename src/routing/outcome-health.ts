import { Inject, Injectable, Logger } from '@nestjs/common';
import { CallsRepository } from '../calls/calls.repository';
import { NO_OUTCOMES, OutcomeSettings, outcomeView, OutcomeView } from './outcome-rules';

export const OUTCOME_SETTINGS = Symbol('OUTCOME_SETTINGS');

/**
 * Each connection's recent call outcomes from the ledger, reused for `cacheMs` so that
 * routing and health views do not query the calls table on every request. Read from the
 * shared database, so every instance sees the same figures (give or take the cache).
 * Once a figure is known, an expired one is refreshed in the background while requests go
 * on with it, and one refresh per connection runs at a time: under load, every create that
 * found the figure expired used to wait for, and send, its own copy of the same aggregate.
 * With `cacheMs` 0 every request waits for fresh figures (tests that watch demotion happen).
 */
@Injectable()
export class OutcomeHealth {
  private readonly logger = new Logger(OutcomeHealth.name);
  private readonly cache = new Map<string, { until: number; view: OutcomeView }>();
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly calls: CallsRepository,
    @Inject(OUTCOME_SETTINGS) private readonly settings: OutcomeSettings,
  ) {}

  async view(connectionId: string): Promise<OutcomeView> {
    return (await this.views([connectionId])).get(connectionId)!;
  }

  /** Many connections at once (a list page): one query for those not cached. */
  async views(connectionIds: string[]): Promise<Map<string, OutcomeView>> {
    const now = Date.now();
    const expired = connectionIds.filter((id) => (this.cache.get(id)?.until ?? 0) <= now);
    if (expired.length) {
      const mustWait = this.settings.cacheMs <= 0 ? expired : expired.filter((id) => !this.cache.has(id));
      const refresh = this.refresh(expired);
      if (mustWait.length) await refresh;
      else refresh.catch((e: unknown) => this.logger.warn({ err: e }, 'Refreshing call-outcome figures failed'));
    }
    return new Map(connectionIds.map((id) => [id, this.cache.get(id)!.view]));
  }

  /** Queries the connections no refresh is running for; resolves when every one asked for is refreshed. */
  private refresh(connectionIds: string[]): Promise<void> {
    const start = connectionIds.filter((id) => !this.refreshing.has(id));
    if (start.length) {
      const now = Date.now();
      const run = this.calls
        .outcomeStats(start, new Date(now - this.settings.windowSeconds * 1000))
        .then((stats) => {
          for (const id of start)
            this.cache.set(id, {
              until: now + this.settings.cacheMs,
              view: outcomeView(stats.get(id) ?? NO_OUTCOMES, this.settings),
            });
        })
        .finally(() => start.forEach((id) => this.refreshing.delete(id)));
      start.forEach((id) => this.refreshing.set(id, run));
    }
    return Promise.all(connectionIds.map((id) => this.refreshing.get(id) ?? Promise.resolve())).then(() => undefined);
  }

  /** Dials keep failing here: route to it only after the healthy connections. */
  async demoted(connectionId: string): Promise<boolean> {
    return (await this.view(connectionId)).demoted;
  }

  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }
}
