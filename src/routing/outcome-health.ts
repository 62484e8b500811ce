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
  private readonly forgotten = new Set<string>();

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
      // Without a cache each request asks for itself: a query already running may predate what it must see.
      if (this.settings.cacheMs <= 0) return this.query(connectionIds);
      const refresh = this.refresh(expired);
      if (expired.some((id) => !this.cache.has(id))) await refresh;
    }
    // A connection forgotten (deleted) meanwhile reads as one with no outcomes.
    return new Map(
      connectionIds.map((id) => [id, this.cache.get(id)?.view ?? outcomeView(NO_OUTCOMES, this.settings)]),
    );
  }

  /**
   * Starts a query for the connections no refresh is running for, and resolves when every
   * one asked for is refreshed. A failed background refresh is logged once, by the refresh
   * itself, and the old figure stays; callers that wait see the failure.
   */
  private refresh(connectionIds: string[]): Promise<void> {
    const start = connectionIds.filter((id) => !this.refreshing.has(id));
    if (start.length) {
      const run = this.query(start)
        .then(() => undefined)
        .finally(() => start.forEach((id) => this.refreshing.delete(id)));
      run.catch((e: unknown) =>
        this.logger.warn(`Refreshing call-outcome figures failed: ${e instanceof Error ? e.message : String(e)}`),
      );
      start.forEach((id) => this.refreshing.set(id, run));
    }
    return Promise.all(connectionIds.map((id) => this.refreshing.get(id) ?? Promise.resolve())).then(() => undefined);
  }

  /** The connections' figures from the ledger, now; cached unless forgotten meanwhile. */
  private async query(connectionIds: string[]): Promise<Map<string, OutcomeView>> {
    const now = Date.now();
    const stats = await this.calls.outcomeStats(connectionIds, new Date(now - this.settings.windowSeconds * 1000));
    const views = new Map(connectionIds.map((id) => [id, outcomeView(stats.get(id) ?? NO_OUTCOMES, this.settings)]));
    for (const [id, view] of views) {
      // Forgotten while the query ran (the connection was deleted): not brought back.
      if (!this.forgotten.has(id)) this.cache.set(id, { until: now + this.settings.cacheMs, view });
    }
    return views;
  }

  /** Dials keep failing here: route to it only after the healthy connections. */
  async demoted(connectionId: string): Promise<boolean> {
    return (await this.view(connectionId)).demoted;
  }

  forget(connectionId: string): void {
    this.cache.delete(connectionId);
    // Connection ids are never reused, so a deleted one stays forgotten.
    this.forgotten.add(connectionId);
  }
}
