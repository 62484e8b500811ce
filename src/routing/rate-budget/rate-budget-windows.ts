import type { RateLimitScope, RateLimitWindow } from '@switchboard/core';
import { RATE_LIMIT_SCOPES } from '@switchboard/core';

/** A connection's `rate_limits` keys: `<scope>_per_<period>`, e.g. `calls_per_day`. */
export const RATE_LIMIT_PERIODS = { second: 1, minute: 60, hour: 3_600, day: 86_400 } as const;
export type RateLimitPeriod = keyof typeof RATE_LIMIT_PERIODS;

export const RATE_LIMIT_OVERRIDE_KEYS: readonly string[] = RATE_LIMIT_SCOPES.flatMap((scope) =>
  Object.keys(RATE_LIMIT_PERIODS).map((period) => `${scope}_per_${period}`),
);

/** The largest limit a connection may set: far above any vendor's, small enough for an integer column. */
export const MAX_RATE_LIMIT = 1_000_000;

/** One window as the stores take it. */
export interface BudgetWindow {
  scope: RateLimitScope;
  limit: number;
  windowMs: number;
  /**
   * How long after a take its units may still be spent (a lease, see budget-lease.ts): a store
   * counts each take against the window for windowMs + slackMs, so the units spent in any
   * windowMs never exceed the limit. 0 for a window too small to lease from.
   */
  slackMs: number;
}

/** The longest a leased unit lives, and the most units one take may lease. */
export const LEASE_MAX_LIFE_MS = 1_000;
export const LEASE_MAX_UNITS = 100;

/**
 * A window's slack (BudgetWindow.slackMs): a twentieth of it, at most a second, when its average
 * rate over that time is at least two units (a lease of one is spent at once); else 0, so
 * small limits (Kalem's 60 a minute) stay exact. A function of the window alone: every
 * instance, and every take that counts against the window, must count it the same way.
 */
export function leaseSlackMs(limit: number, windowMs: number): number {
  const slack = Math.min(LEASE_MAX_LIFE_MS, Math.floor(windowMs / 20));
  return Math.floor((limit * slack) / windowMs) >= 2 ? slack : 0;
}

/**
 * How long the units of one take live, and how many it may lease: the least slack of the
 * windows it counts against, and no more units than any of them averages in that time. With
 * no window (a take that only checks vendor blocks) a lease lives LEASE_MAX_LIFE_MS.
 */
export function leaseTerms(windows: readonly BudgetWindow[]): { lifeMs: number; maxUnits: number } {
  if (!windows.length) return { lifeMs: LEASE_MAX_LIFE_MS, maxUnits: LEASE_MAX_UNITS };
  const lifeMs = Math.min(...windows.map((w) => w.slackMs));
  const rate = Math.min(...windows.map((w) => Math.floor((w.limit * lifeMs) / w.windowMs)));
  return { lifeMs, maxUnits: Math.max(1, Math.min(LEASE_MAX_UNITS, rate)) };
}

function parseKey(key: string): { scope: RateLimitScope; windowSeconds: number } | null {
  const match = /^([a-z_]+)_per_(second|minute|hour|day)$/.exec(key);
  if (!match || !(RATE_LIMIT_SCOPES as readonly string[]).includes(match[1])) return null;
  return { scope: match[1] as RateLimitScope, windowSeconds: RATE_LIMIT_PERIODS[match[2] as RateLimitPeriod] };
}

/** What is wrong with one `rate_limits` entry, or null. */
export function rateLimitOverrideProblem(key: string, value: unknown): string | null {
  if (!parseKey(key))
    return `unknown rate limit; use <scope>_per_<second|minute|hour|day> with scope one of ${RATE_LIMIT_SCOPES.join(', ')}`;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RATE_LIMIT)
    return `must be an integer from 0 (no limit) to ${MAX_RATE_LIMIT}`;
  return null;
}

/**
 * The windows the gateway keeps for a connection: the vendor's documented ones, with each
 * `rate_limits` entry replacing the vendor's window of that scope and length (or adding one);
 * 0 removes it. Entries that do not parse are ignored (the DTO refuses them on the way in).
 */
export function effectiveWindows(
  vendor: readonly RateLimitWindow[],
  overrides: Record<string, unknown> | null | undefined,
): BudgetWindow[] {
  const byKey = new Map<string, RateLimitWindow>();
  for (const w of vendor) byKey.set(`${w.scope}/${w.windowSeconds}`, w);
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const parsed = parseKey(key);
    if (!parsed || rateLimitOverrideProblem(key, value)) continue;
    const id = `${parsed.scope}/${parsed.windowSeconds}`;
    if (value === 0) byKey.delete(id);
    else byKey.set(id, { ...parsed, limit: value as number });
  }
  return [...byKey.values()]
    .sort(
      (a, b) =>
        RATE_LIMIT_SCOPES.indexOf(a.scope) - RATE_LIMIT_SCOPES.indexOf(b.scope) || a.windowSeconds - b.windowSeconds,
    )
    .map((w) => {
      const windowMs = w.windowSeconds * 1000;
      return { scope: w.scope, limit: w.limit, windowMs, slackMs: leaseSlackMs(w.limit, windowMs) };
    });
}

/** The windows one request counts against. */
export function windowsFor(windows: readonly BudgetWindow[], scopes: readonly RateLimitScope[]): BudgetWindow[] {
  return windows.filter((w) => scopes.includes(w.scope));
}

/**
 * What a vendor's 429 to a request has exhausted: the narrowest of the request's scopes that
 * the vendor documents a limit for (KaiCalls limits creates and reads apart; Kalem and HMS
 * Sovereign only count requests, so a 429 there stops everything). With no window at all,
 * every request, to be safe.
 */
export function blockedScopeFor(windows: readonly BudgetWindow[], scopes: readonly RateLimitScope[]): RateLimitScope {
  for (let i = scopes.length - 1; i >= 0; i--) if (windows.some((w) => w.scope === scopes[i])) return scopes[i];
  return 'requests';
}

/** The longest a vendor's reset time may block a connection: the longest documented window. */
export const MAX_BLOCK_MS = 86_400_000;

/**
 * How long a vendor's 429 blocks: until its reset time, bounded; without one, the shortest
 * window the request counts against (a minute when it counts against none).
 */
export function blockDurationMs(resetAt: Date | undefined, now: Date, windows: readonly BudgetWindow[]): number {
  if (resetAt) return Math.min(MAX_BLOCK_MS, Math.max(1_000, resetAt.getTime() - now.getTime()));
  return windows.length ? Math.min(...windows.map((w) => w.windowMs)) : 60_000;
}

/** Usage of one window as a store reports it: taken in the window, and when the next one frees. */
export interface WindowUsage {
  used: number;
  /** Ms until the window admits one more (its limit-th newest entry leaves it), null when empty. */
  freesInMs: number | null;
}

export interface BudgetView {
  remaining: number | null;
  reset_at: string | null;
}

/**
 * The health view of a budget: the window with the least left among `windows` (ties: the one
 * freeing last); a block shows as nothing left until it ends.
 */
export function budgetView(
  windows: readonly BudgetWindow[],
  usage: readonly WindowUsage[],
  blockedForMs: number,
  now: Date,
): BudgetView {
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  if (blockedForMs > 0) return { remaining: 0, reset_at: at(blockedForMs) };
  if (!windows.length) return { remaining: null, reset_at: null };
  let best = { remaining: Infinity, frees: -1 };
  windows.forEach((w, i) => {
    const remaining = Math.max(0, w.limit - usage[i].used);
    const frees = usage[i].freesInMs ?? -1;
    if (remaining < best.remaining || (remaining === best.remaining && frees > best.frees)) best = { remaining, frees };
  });
  return { remaining: best.remaining, reset_at: best.frees >= 0 ? at(best.frees) : null };
}

/** The windows the health view reports: the calls scope's, or the requests scope's when there are none. */
export function viewedWindows(windows: readonly BudgetWindow[]): BudgetWindow[] {
  const calls = windows.filter((w) => w.scope === 'calls');
  return calls.length ? calls : windows.filter((w) => w.scope === 'requests');
}

const NOUNS: Record<RateLimitScope, string> = {
  requests: 'requests',
  reads: 'reads',
  calls: 'calls',
  agent_creates: 'agent creates',
  agent_updates: 'agent updates',
  control: 'control commands',
};

/** `60 requests per 60 s`. */
export function describeWindow(w: BudgetWindow): string {
  return `${w.limit} ${NOUNS[w.scope]} per ${w.windowMs / 1000} s`;
}
