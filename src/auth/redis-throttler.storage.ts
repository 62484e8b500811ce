import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { OutageLogger } from '../common/outage/outage-logger';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

/**
 * Fixed-window counters in Redis, so every gateway instance shares one budget per key.
 * One Lua script per hit keeps count, expiry and block atomic.
 */
const SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return { hits, ttl, blocked }
`;

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * While Redis cannot be reached, each instance counts alone in memory (the degraded mode the
 * README's "Outages" describes): a key may then get up to one budget per instance, which
 * still bounds it, where refusing every keyed request would turn a Redis outage into a full
 * one. The outage log says so loudly once, and again every 30 s while it lasts.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly fallback = new MemoryThrottlerStorage();

  constructor(
    private readonly redis: Redis,
    private readonly outages: OutageLogger,
  ) {
    this.redis.defineCommand('switchboardHit', { numberOfKeys: 2, lua: SCRIPT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    // Not connected: no command would get through, so do not wait for one to fail.
    if (this.redis.status === 'ready') {
      try {
        const record = await this.shared(key, ttl, limit, blockDuration, throttlerName);
        this.outages.succeeded('redis');
        return record;
      } catch (e) {
        this.outages.failed('redis', e);
      }
    } else {
      this.outages.failed('redis', new Error(`connection ${this.redis.status}`));
    }
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private async shared(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    const base = `switchboard:rl:${throttlerName}:${key}`;
    const [hits, ttlMs, blockedMs] = (await (
      this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
    ).switchboardHit(base, `${base}:blocked`, ttl, limit, blockDuration > 0 ? blockDuration : ttl)) as [
      number,
      number,
      number,
    ];
    const isBlocked = blockedMs > 0;
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil(blockedMs / 1000) : 0,
    };
  }

  onApplicationShutdown(): void {
    // The client belongs to RedisConnections, which closes it.
    this.fallback.onApplicationShutdown();
  }
}
