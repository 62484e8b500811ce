import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import type { DataSource } from 'typeorm';
import type { EventNotifier, NotifierListener, NotifyChannel } from './event-notifier';
import { EVENTS_CHANNEL, NOTIFY_CHANNELS, NotifierListeners } from './event-notifier';

/**
 * Notifications on the embedded engine. PGlite is one session shared by the pool's only
 * connection, so the LISTEN goes through that pool like any statement: `pglite.listen()`
 * would send it beside the pool, possibly into a transaction the pool has open, where a
 * rollback would silently undo it. PGlite hands every NotificationResponse it parses to
 * `onNotification`, including those of commits made through the pool (docs/embedded-database.md).
 */
export class EmbeddedEventNotifier implements EventNotifier, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EmbeddedEventNotifier.name);
  private readonly listeners = new NotifierListeners();
  private stopNotifications?: () => void;
  /** The engine's one session cannot be lost while the process runs; only the start waits for LISTEN. */
  listening = false;

  constructor(
    private readonly pglite: PGlite,
    private readonly dataSource: DataSource,
  ) {}

  subscribe(listener: NotifierListener, channel?: NotifyChannel): () => void {
    return this.listeners.add(listener, channel);
  }

  get origin(): string {
    return this.listeners.origin;
  }

  wakeHere(): void {
    this.listeners.wake(EVENTS_CHANNEL);
  }

  async onModuleInit(): Promise<void> {
    this.stopNotifications = this.pglite.onNotification((channel, payload) => this.listeners.notice(channel, payload));
    for (const channel of NOTIFY_CHANNELS) await this.dataSource.query(`LISTEN ${channel}`);
    this.listening = true;
    this.logger.log('Listening for event notifications (embedded database)');
  }

  onModuleDestroy(): void {
    // No UNLISTEN: the session ends with the engine, and a statement now could queue
    // behind requests still finishing.
    this.stopNotifications?.();
  }
}
