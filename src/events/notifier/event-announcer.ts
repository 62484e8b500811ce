import type { OnApplicationBootstrap } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { EntityManager, TransactionCommitEvent } from 'typeorm';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { EVENTS_CHANNEL } from './event-notifier';

/** Set on a transaction's query runner when it appended events: read by the commit subscriber. */
const EVENTS_APPENDED = 'switchboard.eventsAppended';

/**
 * Tells the streams of every instance that events were committed, with one NOTIFY sent after
 * the commit rather than one inside each appending transaction. At commit, a transaction that
 * notified takes a lock that every other notifying commit of the server queues on, until its
 * commit record is flushed: appends then committed one at a time, as under the exclusive
 * append lock this replaced along with it (pgbench of the create path's statements at 8
 * clients: 1 515 creates/s with either in place, 2 600 with neither; bench/README.md, "The
 * create path, change by change"). Sent through the pool once the append is committed, and
 * folded: while one is in flight, the appends that commit meanwhile are covered by a single
 * next one. The notice is a wake-up only: one lost to a crash between commit and notify, or
 * to an outage, delays a stream until its own poll (SSE_POLL_INTERVAL_MS) and loses nothing.
 */
@Injectable()
export class EventAnnouncer implements OnApplicationBootstrap {
  private sending = false;
  private again = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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

  /** Events were appended through `db`: announced at its commit in a transaction, now in autocommit (committed already). */
  appended(db: EntityManager): void {
    const runner = db.queryRunner;
    if (runner?.isTransactionActive) runner.data = { ...runner.data, [EVENTS_APPENDED]: true };
    else this.announce();
  }

  /** Straight on the pool, untimed: the notice is nobody's request time (it may outlive the request). */
  announce(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
    const sent = pool
      ? pool.query({ name: 'switchboard_announce_events', text: "SELECT pg_notify($1, '')", values: [EVENTS_CHANNEL] })
      : Promise.resolve();
    void sent
      // Streams read on their own poll as well; a failed notice only delays them (see above).
      .catch(() => undefined)
      .finally(() => {
        this.sending = false;
        if (!this.again) return;
        this.again = false;
        this.announce();
      });
  }
}
