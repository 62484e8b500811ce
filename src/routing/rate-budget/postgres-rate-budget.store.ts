import type { RateLimitScope } from '@switchboard/core';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/pooled-query';
import type { BudgetWindow, WindowUsage } from './rate-budget-windows';
import type { RateBudgetStore, TakeResult } from './rate-budget.store';

const TAKE =
  'SELECT * FROM switchboard_lease_rate_budget($1, $2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::text[], $7::integer)';

/**
 * Budgets in the rate_budget_rings / rate_budget_slots / rate_budget_blocks tables (their only
 * reader and writer; rate_budget_entries, the log before the rings, is read only to seed them).
 * A take is one call of the migrations' plpgsql function: one round trip, decided under an
 * advisory lock on the database's clock, at the same cost whatever the limits
 * (src/database/migrations/1764400000000-rate-budget-rings.ts, 1764500000000-rate-budget-leases.ts).
 */
export class PostgresRateBudgetStore implements RateBudgetStore {
  readonly dependency = 'database' as const;

  constructor(private readonly dataSource: DataSource) {}

  async take(
    key: string,
    windows: readonly BudgetWindow[],
    blockScopes: readonly RateLimitScope[],
    units: number,
  ): Promise<TakeResult> {
    // On a vendor request's path: a prepared statement on the pool, as the create's own statements.
    const [row] = await preparedQuery<{ granted: number; retry_after_ms: string | number; window_index: number }>(
      this.dataSource.manager,
      TAKE,
      [
        key,
        windows.map((w) => w.scope),
        windows.map((w) => w.limit),
        windows.map((w) => w.windowMs),
        windows.map((w) => w.slackMs),
        [...blockScopes],
        units,
      ],
    );
    if (row.granted > 0) return { granted: true, units: row.granted };
    return {
      granted: false,
      retryAfterMs: Number(row.retry_after_ms),
      window: row.window_index > 0 ? row.window_index - 1 : null,
    };
  }

  async block(key: string, scope: RateLimitScope, forMs: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO rate_budget_blocks (budget_key, scope, blocked_until)
       VALUES ($1, $2, clock_timestamp() + $3::bigint * interval '1 millisecond')
       ON CONFLICT (budget_key, scope) DO UPDATE SET blocked_until = greatest(rate_budget_blocks.blocked_until, EXCLUDED.blocked_until)`,
      [key, scope, Math.ceil(forMs)],
    );
  }

  async usage(key: string, windows: readonly BudgetWindow[], blockScopes: readonly RateLimitScope[]) {
    // Per window, from its ring: how many of its takes are still in it (for its length plus its
    // slack, as a take counts them), and when the oldest of them leaves (the ring keeps only
    // the newest `limit`, so that is when it admits one more).
    // A ring not made yet (no take since the limits were set) reads as empty.
    const rows = (await this.dataSource.query(
      `WITH clock AS (SELECT clock_timestamp() AS now)
       SELECT w.i::integer AS i, inside.used::integer AS used,
         ceil(extract(epoch FROM inside.oldest + w.span * interval '1 millisecond' - clock.now) * 1000)::bigint AS frees_in_ms,
         (SELECT coalesce(ceil(extract(epoch FROM max(b.blocked_until) - clock.now) * 1000), 0)::bigint
            FROM rate_budget_blocks b WHERE b.budget_key = $1 AND b.scope = ANY ($5::text[])) AS blocked_ms
       FROM clock, unnest($2::text[], $3::integer[], $4::bigint[], $6::bigint[]) WITH ORDINALITY AS w(scope, lim, win, span, i),
         LATERAL (SELECT count(*) AS used, min(newest.taken_at) AS oldest
            FROM (SELECT s.taken_at FROM rate_budget_slots s
                    WHERE s.budget_key = $1 AND s.scope = w.scope AND s.window_ms = w.win
                      AND s.taken_at > clock.now - w.span * interval '1 millisecond'
                    ORDER BY s.taken_at DESC LIMIT w.lim) newest) inside
       ORDER BY w.i`,
      [
        key,
        windows.map((w) => w.scope),
        windows.map((w) => w.limit),
        windows.map((w) => w.windowMs),
        [...blockScopes],
        windows.map((w) => w.windowMs + w.slackMs),
      ],
    )) as { used: number; frees_in_ms: string | null; blocked_ms: string }[];
    const blockedForMs = rows.length
      ? Math.max(0, Number(rows[0].blocked_ms))
      : await this.blockedFor(key, blockScopes);
    const usage: WindowUsage[] = rows.map((r) => ({
      used: r.used,
      freesInMs: r.frees_in_ms === null ? null : Math.max(0, Number(r.frees_in_ms)),
    }));
    return { windows: usage, blockedForMs };
  }

  private async blockedFor(key: string, blockScopes: readonly RateLimitScope[]): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT coalesce(ceil(extract(epoch FROM max(blocked_until) - clock_timestamp()) * 1000), 0)::bigint AS ms
       FROM rate_budget_blocks WHERE budget_key = $1 AND scope = ANY ($2::text[])`,
      [key, [...blockScopes]],
    )) as { ms: string }[];
    return Math.max(0, Number(row.ms));
  }
}
