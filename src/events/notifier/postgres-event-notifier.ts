import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { EventNotifier, NotifierListener, NotifyChannel } from './event-notifier';
import { EVENTS_CHANNEL, NOTIFY_CHANNELS, NotifierListeners } from './event-notifier';

/** How the listening session shows in pg_stat_activity (and how tests find it). */
export const LISTENER_APPLICATION_NAME = 'switchboard-event-listener';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): doubling from 100 ms up to 5 s, with
 * the upper half jittered so instances that lost the database together do not return in step.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Notifications on real PostgreSQL: one dedicated session per instance runs LISTEN (a pooled
 * connection cannot: the pool hands it to other work and may close it). A dropped session is
 * replaced with backoff; each new session wakes every listener, since commits made while
 * nobody listened notified no one. Meanwhile readers rely on their own fallback poll.
 */
export class PostgresEventNotifier implements EventNotifier, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PostgresEventNotifier.name);
  private readonly listeners = new NotifierListeners();
  private client?: Client;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly url: string) {}

  subscribe(listener: NotifierListener, channel?: NotifyChannel): () => void {
    return this.listeners.add(listener, channel);
  }

  get origin(): string {
    return this.listeners.origin;
  }

  wakeHere(): void {
    this.listeners.wake(EVENTS_CHANNEL);
  }

  /** Set only once LISTEN succeeded, and unset the moment the session is lost. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Start waits for the first attempt only: a database hiccup at start must not stop the gateway. */
  onModuleInit(): Promise<void> {
    return this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: 5_000,
      // The session is idle for long stretches: keepalive finds a silently dropped one.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      const delay = reconnectDelayMs(this.failures++);
      // The message only: the error object can carry connection parameters. Once per loss,
      // not per attempt: during an outage the retries would add a line every few seconds.
      if (this.failures === 1)
        this.logger.warn(
          { error: error?.message ?? 'connection ended', retry_in_ms: delay },
          'Event notification session lost; reconnecting until it is back',
        );
      this.retry = setTimeout(() => void this.connect(), delay);
      this.retry.unref();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => this.listeners.notice(message.channel, message.payload));
    try {
      await client.connect();
      await client.query(NOTIFY_CHANNELS.map((c) => `LISTEN ${c}`).join('; '));
    } catch (e) {
      onLost(e as Error);
      return;
    }
    if (this.stopped || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures) this.logger.log({ after_failures: this.failures }, 'Event notification session restored');
    this.failures = 0;
    this.listeners.wakeAll();
  }
}
