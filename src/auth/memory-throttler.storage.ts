import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

/**
 * Per-instance fixed-window counters: the same rule as the Redis storage's script
 * (redis-throttler.storage.ts), in memory. The stock ThrottlerStorageService keeps one
 * expiry time per hit and filters them all on every request, so a key's cost per request
 * grew with its traffic (tens of thousands of entries at a high limit); this is O(1).
 * Windows that have ended are dropped by a sweep, so idle keys do not accumulate.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    sweepEveryMs = 60_000,
  ) {
    this.sweep = setInterval(() => this.dropEnded(), sweepEveryMs);
    this.sweep.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    return this.hit(`${throttlerName}:${key}`, ttl, limit, blockDuration > 0 ? blockDuration : ttl);
  }

  hit(key: string, ttl: number, limit: number, blockFor: number): ThrottlerRecord {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      // A block outlives its window, as the Redis block key does.
      window = { hits: 0, endsAt: now + ttl, blockedUntil: window?.blockedUntil ?? 0 };
      this.windows.set(key, window);
    }
    window.hits++;
    if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + blockFor;
    const isBlocked = window.blockedUntil > now;
    return {
      totalHits: window.hits,
      timeToExpire: Math.max(0, Math.ceil((window.endsAt - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
    };
  }

  private dropEnded(): void {
    const now = this.now();
    for (const [key, window] of this.windows)
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(key);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }
}
