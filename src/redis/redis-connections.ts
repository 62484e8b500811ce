import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { OutageLogger } from '../common/outage/outage-logger';
import { ConfigVariables } from '../config/config.variables';

/**
 * A command that has not come back in this long fails: Redis on a healthy network answers in
 * about a millisecond, so waiting longer only makes every keyed request slow while it is down.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 250;
/** At start, how long the first connection may take before the gateway starts without it. */
const READY_AT_START_MS = 2_000;

export type RedisState = 'ok' | 'unreachable' | 'not_configured';

/**
 * Every Redis client of this instance, made to fail fast: no offline queue (a command while
 * disconnected fails at once instead of waiting for a reconnect), no per-command retries, a
 * short command timeout, reconnects in the background. Their errors go to the outage log (an
 * ioredis client without an error listener prints every failed reconnect).
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly clients: Redis[] = [];

  constructor(
    private readonly config: ConfigVariables,
    private readonly outages: OutageLogger,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.REDIS_URL);
  }

  /** A new client (each user keeps its own, e.g. scripts defined on it); null without REDIS_URL. */
  open(): Redis | null {
    if (!this.config.REDIS_URL) return null;
    const redis = new Redis(this.config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    redis.on('error', (e: Error) => this.outages.failed('redis', e));
    redis.on('ready', () => this.outages.succeeded('redis'));
    this.clients.push(redis);
    return redis;
  }

  /** Without the offline queue the first commands would fail while the connection opens: wait for it, a little. */
  async onModuleInit(): Promise<void> {
    await Promise.all(this.clients.map((c) => readyWithin(c, READY_AT_START_MS)));
  }

  /** ok only when every client is connected and answers a PING in time. */
  async state(): Promise<RedisState> {
    if (!this.clients.length) return this.configured ? 'unreachable' : 'not_configured';
    const answers = await Promise.all(
      this.clients.map(async (c) =>
        c.status === 'ready'
          ? c.ping().then(
              () => true,
              () => false,
            )
          : false,
      ),
    );
    return answers.every(Boolean) ? 'ok' : 'unreachable';
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.clients.map(async (c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())),
    );
  }
}

function readyWithin(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.on('ready', done);
  });
}
