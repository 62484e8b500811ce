import { Inject, Injectable } from '@nestjs/common';
import { CallsRepository } from '../calls/calls.repository';
import { NO_OUTCOMES, OutcomeSettings, outcomeView, OutcomeView } from './outcome-rules';

export const OUTCOME_SETTINGS = Symbol('OUTCOME_SETTINGS');

/**
 * Each connection's recent call outcomes from the ledger, reused for `cacheMs` so that
 * routing and health views do not query the calls table on every request. Read from the
 * shared database, so every instance sees the same figures (give or take the cache).
 */
@Injectable()
export class OutcomeHealth {
  private readonly cache = new Map<string, { until: number; view: OutcomeView }>();

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
    const stale = connectionIds.filter((id) => (this.cache.get(id)?.until ?? 0) <= now);
    if (stale.length) {
      const stats = await this.calls.outcomeStats(stale, new Date(now - this.settings.windowSeconds * 1000));
      for (const id of stale)
        this.cache.set(id, {
          until: now + this.settings.cacheMs,
          view: outcomeView(stats.get(id) ?? NO_OUTCOMES, this.settings),
        });
    }
    return new Map(connectionIds.map((id) => [id, this.cache.get(id)!.view]));
  }

  /** Dials keep failing here: route to it only after the healthy connections. */
  async demoted(connectionId: string): Promise<boolean> {
    return (await this.view(connectionId)).demoted;
  }

  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }
}
