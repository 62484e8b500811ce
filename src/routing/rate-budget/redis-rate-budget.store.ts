import { randomBytes } from 'node:crypto';
import type { RateLimitScope } from '@switchboard/core';
import type Redis from 'ioredis';
import type { BudgetWindow, WindowUsage } from './rate-budget-windows';
import type { RateBudgetStore, TakeResult } from './rate-budget.store';

// Both scripts: KEYS = the block keys (ARGV[1] of them), then one sorted set per window (a
// scope's windows share its set); ARGV = #blocks, #windows, a nonce, the units asked for, then
// limit and span (length plus slack, ms) per window. Scores are the server's TIME in ms, so
// instances never disagree on a window.
const CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nb = tonumber(ARGV[1])
local nw = tonumber(ARGV[2])
local function fmt(x) return string.format('%.0f', x) end
local blocked = 0
for i = 1, nb do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > blocked then blocked = ttl end
end
`;

/**
 * Refuses when blocked or when not even one unit fits in some window; else records the units
 * asked for (or one, when they do not all fit) in every set.
 */
const TAKE = `${CLOCK}
if blocked > 0 then return { 0, blocked, 0 } end
local units = tonumber(ARGV[4])
for i = 1, nw do units = math.min(units, tonumber(ARGV[3 + 2 * i])) end
units = math.max(1, units)
local function fits(n)
  for i = 1, nw do
    local key, limit, span = KEYS[nb + i], tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
    if redis.call('ZCOUNT', key, '(' .. fmt(now - span), '+inf') + n > limit then return false end
  end
  return true
end
if units > 1 and not fits(units) then units = 1 end
local worst, worstIndex = 0, 0
for i = 1, nw do
  local key, limit, span = KEYS[nb + i], tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  if redis.call('ZCOUNT', key, '(' .. fmt(now - span), '+inf') >= limit then
    -- The window frees up when its limit-th newest entry leaves it.
    local entry = redis.call('ZREVRANGEBYSCORE', key, '+inf', '(' .. fmt(now - span), 'WITHSCORES', 'LIMIT', limit - 1, 1)
    local frees = tonumber(entry[2]) + span - now
    if worstIndex == 0 or frees > worst then worst, worstIndex = frees, i end
  end
end
if worstIndex > 0 then return { 0, math.max(1, worst), worstIndex } end
local sets, longest = {}, {}
for i = 1, nw do
  local key, span = KEYS[nb + i], tonumber(ARGV[4 + 2 * i])
  if longest[key] == nil then table.insert(sets, key); longest[key] = span
  elseif span > longest[key] then longest[key] = span end
end
for n, key in ipairs(sets) do
  for u = 1, units do redis.call('ZADD', key, now, ARGV[3] .. ':' .. n .. ':' .. u) end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now - longest[key]))
  redis.call('PEXPIRE', key, longest[key])
end
return { units, 0, 0 }
`;

/** { blocked ms, then per window: entries in it, ms until it admits one more (-1: empty) }. */
const USAGE = `${CLOCK}
local out = { blocked }
for i = 1, nw do
  local key, limit, span = KEYS[nb + i], tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  local used = redis.call('ZCOUNT', key, '(' .. fmt(now - span), '+inf')
  local newest = redis.call('ZREVRANGEBYSCORE', key, '+inf', '(' .. fmt(now - span), 'WITHSCORES', 'LIMIT', 0, limit)
  table.insert(out, used)
  table.insert(out, #newest > 0 and (tonumber(newest[#newest]) + span - now) or -1)
end
return out
`;

/** Sets a block unless a longer one is already running. */
const BLOCK = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

type Scripted = Redis & {
  switchboardBudgetBlock(key: string, ms: number): Promise<number>;
  switchboardBudgetTake(...args: (string | number)[]): Promise<[number, number, number]>;
  switchboardBudgetUsage(...args: (string | number)[]): Promise<number[]>;
};

/**
 * Budgets in Redis: a sorted set per connection and scope, one Lua script per take (atomic on
 * the server), a key with a TTL per block. Keys share a hash tag per connection, so a cluster
 * keeps them on one node.
 */
export class RedisRateBudgetStore implements RateBudgetStore {
  readonly dependency = 'redis' as const;
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly prefix = 'switchboard:budget',
  ) {
    redis.defineCommand('switchboardBudgetTake', { lua: TAKE });
    redis.defineCommand('switchboardBudgetUsage', { lua: USAGE });
    redis.defineCommand('switchboardBudgetBlock', { lua: BLOCK, numberOfKeys: 1 });
    this.redis = redis as Scripted;
  }

  async take(
    key: string,
    windows: readonly BudgetWindow[],
    blockScopes: readonly RateLimitScope[],
    units: number,
  ): Promise<TakeResult> {
    const [granted, waitMs, index] = await this.redis.switchboardBudgetTake(
      ...this.args(key, windows, blockScopes, randomBytes(9).toString('base64url'), units),
    );
    if (granted > 0) return { granted: true, units: Number(granted) };
    return { granted: false, retryAfterMs: Number(waitMs), window: index > 0 ? index - 1 : null };
  }

  async block(key: string, scope: RateLimitScope, forMs: number): Promise<void> {
    await this.redis.switchboardBudgetBlock(this.blockKey(key, scope), Math.max(1, Math.ceil(forMs)));
  }

  async usage(key: string, windows: readonly BudgetWindow[], blockScopes: readonly RateLimitScope[]) {
    const [blocked, ...rest] = await this.redis.switchboardBudgetUsage(...this.args(key, windows, blockScopes, '', 0));
    const usage: WindowUsage[] = windows.map((_, i) => ({
      used: Number(rest[2 * i]),
      freesInMs: rest[2 * i + 1] < 0 ? null : Number(rest[2 * i + 1]),
    }));
    return { windows: usage, blockedForMs: Math.max(0, Number(blocked)) };
  }

  private args(
    key: string,
    windows: readonly BudgetWindow[],
    blockScopes: readonly RateLimitScope[],
    nonce: string,
    units: number,
  ): (string | number)[] {
    const keys = [
      ...blockScopes.map((s) => this.blockKey(key, s)),
      ...windows.map((w) => `${this.base(key)}:${w.scope}`),
    ];
    return [
      keys.length,
      ...keys,
      blockScopes.length,
      windows.length,
      nonce,
      units,
      ...windows.flatMap((w) => [w.limit, w.windowMs + w.slackMs]),
    ];
  }

  private base(key: string): string {
    return `${this.prefix}:{${key}}`;
  }

  private blockKey(key: string, scope: RateLimitScope): string {
    return `${this.base(key)}:blocked:${scope}`;
  }
}
