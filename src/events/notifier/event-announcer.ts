import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { EntityManager, TransactionCommitEvent } from 'typeorm';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ConfigVariables } from '../../config/config.variables';
import type { EventNotifier } from './event-notifier';
import { EVENT_NOTIFIER, EVENTS_CHANNEL } from './event-notifier';

/** Set on a transaction's query runner when it appended events: read by the commit subscriber. */
const EVENTS_APPENDED = 'switchboard.eventsAppended';

/**
 * Tells the streams of every instance that events were committed.
 *
 * This instance's own listeners are woken at once, in process. The other instances get one
 * NOTIFY, sent through the pool after the commit rather than inside each appending
 * transaction: at commit, a transaction that notified takes a lock that every other notifying
 * commit of the server queues on until its commit record is flushed, so appends committed one
 * at a time (pgbench of the create path's statements at 8 clients: 1 515 creates/s with it,
 * 2 600 without; bench/README.md, "The create path, change by change").
 *
 * The NOTIFY waits EVENT_NOTICE_DELAY_MS and covers every commit of that span, and while one
 * is in flight the commits meanwhile get a single next one. Sent at once, a create's NOTIFY
 * went out with its vendor request and its round trip ran inside the vendor's wait; at 150
 * creates/s each create had one. Delayed, Postgres spent 4-9 % less per create and one create
 * at a time answered 3-4 % sooner (bench/ab.mjs; bench/README.md, "The create path, change by
 * change"). The notice carries this instance's origin, so its own listeners, already woken,
 * skip its echo.
 *
 * A notice is a wake-up only: one lost to a crash before it was sent, or to an outage, delays
 * a stream until its own poll (SSE_POLL_INTERVAL_MS) and loses nothing.
 */
@Injectable()
export class EventAnnouncer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private waiting?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private again = false;
  private closing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_NOTIFIER) private readonly notifier: EventNotifier,
    private readonly config: ConfigVariables,
  ) {}

  onApplicationBootstrap(): void {
    this.dataSource.subscribers.push({
      afterTransactionCommit: (event: TransactionCommitEvent) => {
        const data = event.queryRunner.data as Record<string, unknown> | undefined;
        // A savepoint's release fires this too; only the outer commit makes the events visible.
        if (!data?.[EVENTS_APPENDED] || event.queryRunner.isTransactionActive) return;
        delete data[EVENTS_APPENDED];
        this.announce();
      },
    });
  }

  /** Notices still waiting go now, and are waited for: the pool closes after this hook. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (;;) {
      if (this.waiting) {
        clearTimeout(this.waiting);
        this.waiting = undefined;
        this.send();
      }
      if (!this.sending) return;
      await this.sending;
    }
  }

  /** Events were appended through `db`: announced at its commit in a transaction, now in autocommit (committed already). */
  appended(db: EntityManager): void {
    const runner = db.queryRunner;
    if (runner?.isTransactionActive) runner.data = { ...runner.data, [EVENTS_APPENDED]: true };
    else this.announce();
  }

  /** Events were committed: wakes this instance's streams now and schedules the notice for the others. */
  announce(): void {
    this.notifier.wakeHere();
    if (this.sending) this.again = true;
    else this.schedule();
  }

  /** A notice waiting already covers this commit: it is sent after it. */
  private schedule(): void {
    if (this.waiting) return;
    const delay = this.closing ? 0 : this.config.EVENT_NOTICE_DELAY_MS;
    if (delay === 0) {
      this.send();
      return;
    }
    this.waiting = setTimeout(() => {
      this.waiting = undefined;
      this.send();
    }, delay);
  }

  /** Straight on the pool, untimed: the notice is nobody's request time. */
  private send(): void {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
    const sent = pool
      ? pool.query({
          name: 'switchboard_announce_events',
          text: 'SELECT pg_notify($1, $2)',
          values: [EVENTS_CHANNEL, this.notifier.origin],
        })
      : Promise.resolve();
    this.sending = sent.then(
      () => this.sent(),
      // Streams read on their own poll as well; a failed notice only delays them (see above).
      () => this.sent(),
    );
  }

  private sent(): void {
    this.sending = undefined;
    if (!this.again) return;
    this.again = false;
    this.schedule();
  }
}
