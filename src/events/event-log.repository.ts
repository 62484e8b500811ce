import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { newId } from '@switchboard/core';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/pooled-query';
import { StatementTexts } from '../database/statement-texts';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { EventAnnouncer } from './notifier/event-announcer';

/**
 * Key of the advisory lock that keeps sequence numbers final below what a reader reads. An
 * append takes it in shared mode before its numbers, so appends never wait on each other;
 * it is held until commit, so appends go last in their transaction. A reader first asks for
 * the log's head (migration 1764340000000), which takes it exclusively: it returns once every
 * transaction that had taken a number has committed or rolled back, so every sequence up to
 * that head is final, and a reader that has seen every event up to N never later finds a new
 * one below N. The price moved from writers (which committed one at a time under an exclusive
 * lock) to readers, which wait for at most the appends in flight.
 */
export const EVENT_APPEND_LOCK = 0x53_42_45_56;

export interface NewEvent {
  type: string;
  callId: string | null;
  data: Record<string, unknown>;
}

export interface EventResponse {
  id: string;
  object: 'event';
  type: string;
  sequence: number;
  created_at: string;
  call_id: string | null;
  data: Record<string, unknown>;
}

export interface EventRow {
  sequence: string;
  id: string;
  type: string;
  call_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

export interface EventQuery {
  after?: number;
  types?: string[];
  callId?: string;
  limit: number;
}

/** The unified event log: append-only, read by sequence. The only code that touches `events`. */
@Injectable()
export class EventLogRepository {
  private readonly statements = new StatementTexts();
  private readonly appendTexts = new StatementTexts();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly announcer: EventAnnouncer,
  ) {}

  /** The head being read, shared by the readers that ask meanwhile (see `head`). */
  private headRead?: Promise<number>;

  /**
   * Appends in the caller's transaction (the outbox): stored with the change, or not at all,
   * and so are the deliveries of these events to every subscribed consumer. One statement.
   */
  async append(tx: EntityManager, events: NewEvent[]): Promise<EventResponse[]> {
    return (await this.appendAlongside(tx, events)).events;
  }

  /**
   * `append` with the caller's own work in the same statement, so a change and its events
   * cost one round trip: `ctes` over the same `params` (run even when there are no events),
   * `select` extra output columns read from them (answered in `extra`), `calls` where a
   * call's webhook_url is read (the CTE that inserts the call, when it does: a statement does
   * not see its own inserts), `gate` a CTE of the caller's that must yield a row for the
   * events to be appended (a conditional change: no change, no events, no lock taken),
   * `returnEvents: false` when the caller has no use for the stored events (the ledger): each
   * carries a whole call snapshot, which Postgres would serialize and the gateway parse back.
   * Prepared: the hot paths' statements are a handful of texts run over and over.
   */
  async appendAlongside(
    tx: EntityManager,
    events: NewEvent[],
    alongside: {
      ctes?: string;
      params?: unknown[];
      select?: string;
      calls?: string;
      gate?: string;
      returnEvents?: boolean;
    } = {},
  ): Promise<{ events: EventResponse[]; extra: Record<string, unknown> }> {
    const returnEvents = alongside.returnEvents ?? true;
    const params = alongside.params ?? [];
    const append = events.length ? this.appendCtes(events, params, alongside.gate, returnEvents) : undefined;
    if (!append && !alongside.ctes && !alongside.select) return { events: [], extra: {} };
    const text = this.statements.get([alongside.ctes, append, alongside.calls, alongside.select, returnEvents], () => {
      const ctes = [alongside.ctes];
      const columns = [alongside.select];
      if (append) {
        ctes.push(append, this.deliveries.enqueueCte('appended', alongside.calls ?? 'calls'));
        columns.push(
          returnEvents
            ? '(SELECT jsonb_agg(to_jsonb(a) ORDER BY a.sequence) FROM appended a) AS appended'
            : '(SELECT count(*) FROM appended)::int AS appended_count',
          '(SELECT count(*) FROM enqueued)::int AS enqueued',
        );
      }
      const used = { ctes: ctes.filter(Boolean), columns: columns.filter(Boolean) };
      return `${used.ctes.length ? `WITH ${used.ctes.join(', ')} ` : ''}SELECT ${used.columns.length ? used.columns.join(', ') : '1'}`;
    });
    // One row whatever was appended: the events as JSON, the caller's columns beside them.
    const [row] = await preparedQuery(tx, text, params);
    const {
      appended,
      appended_count: appendedCount,
      enqueued,
      ...extra
    } = row as { appended?: EventRow[] | null; appended_count?: number; enqueued?: number };
    if (appended?.length || appendedCount) this.announcer.appended(tx);
    this.deliveries.noteEnqueued(tx, enqueued ?? 0);
    return { events: (appended ?? []).map(toEventResponse), extra };
  }

  /**
   * The append as CTEs of a larger statement (`event_lock`, then `appended` with the rows),
   * its parameters pushed onto `params`. The shared lock is taken before any sequence number:
   * the insert reads from the lock's CTE, and a volatile CTE is neither inlined nor skipped.
   * Rows are numbered in the order given. With `gate`, the lock (and so the insert) happens
   * only for a row of it. No NOTIFY here: see EventAnnouncer.
   */
  appendCtes(events: NewEvent[], params: unknown[], gate?: string, returnEvents = true): string {
    const first = params.length;
    const lock = `$${params.push(EVENT_APPEND_LOCK)}`;
    const values = events.map((e, i) => {
      const id = params.push(newId('event'));
      params.push(e.type, e.callId, JSON.stringify(e.data));
      return `(${i}, $${id}::text, $${id + 1}::text, $${id + 2}::text, $${id + 3}::jsonb)`;
    });
    // Kept by everything the text depends on (StatementTexts): where its parameters start, how many events, gate, returnEvents.
    return this.appendTexts.get(
      [first, events.length, gate, returnEvents],
      () => `event_lock AS (SELECT pg_advisory_xact_lock_shared(${lock}) AS locked${gate ? ` FROM ${gate}` : ''}),
       appended AS (
         INSERT INTO events (id, type, call_id, data)
         SELECT v.id, v.type, v.call_id, v.data FROM event_lock, (VALUES ${values.join(', ')}) AS v(n, id, type, call_id, data) ORDER BY v.n
         RETURNING sequence, id, type, call_id${returnEvents ? ', data, created_at' : ''})`,
    );
  }

  /**
   * The log's settled head: every sequence up to it is final (committed, or never to be).
   * One read at a time per instance, shared by every reader that asks while it runs: a head
   * read a moment ago is still settled, only older, and a reader woken by a later commit's
   * notice asks after that commit, when the read in flight already covers it or a new one
   * starts. Autocommit on the pool: the function's exclusive lock lasts until its
   * transaction ends, and appends wait meanwhile. Never from inside a transaction that
   * appended: the read would wait for that transaction, which waits for the read.
   */
  head(): Promise<number> {
    this.headRead ??= this.dataSource
      .query('SELECT switchboard_event_log_head($1) AS head', [EVENT_APPEND_LOCK])
      .then((rows: { head: string }[]) => Number(rows[0].head))
      .finally(() => (this.headRead = undefined));
    return this.headRead;
  }

  /** Ascending by sequence after `after`, up to the settled head; one row more than `limit` tells whether more exist. */
  async list(query: EventQuery): Promise<{ data: EventResponse[]; has_more: boolean }> {
    return this.pageTo(await this.head(), query);
  }

  private async pageTo(head: number, query: EventQuery): Promise<{ data: EventResponse[]; has_more: boolean }> {
    const params: unknown[] = [head];
    const where = ['sequence <= $1'];
    if (query.after !== undefined) where.push(`sequence > $${params.push(query.after)}`);
    if (query.types?.length) where.push(`type = ANY($${params.push(query.types)})`);
    if (query.callId) where.push(`call_id = $${params.push(query.callId)}`);
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT sequence, id, type, call_id, data, created_at FROM events WHERE ${where.join(' AND ')}
       ORDER BY sequence ASC LIMIT $${params.push(query.limit + 1)}`,
      params,
    );
    return { data: rows.slice(0, query.limit).map(toEventResponse), has_more: rows.length > query.limit };
  }

  /**
   * One page for a stream: like `list`, plus how far the log was read. With no more matching
   * rows up to the settled head, every event up to it has been seen, so a filtered stream can
   * move past the events it skipped instead of scanning them again on every wake-up.
   */
  async streamPage(
    query: EventQuery & { after: number },
  ): Promise<{ data: EventResponse[]; has_more: boolean; read_to: number }> {
    const head = await this.head();
    const page = await this.pageTo(head, query);
    return {
      ...page,
      read_to: page.has_more ? page.data[page.data.length - 1].sequence : Math.max(query.after, head),
    };
  }

  /** The last sequence committed so far (0 on an empty log): where a stream with no position starts. */
  lastSequence(): Promise<number> {
    return this.head();
  }

  async forCall(callId: string): Promise<EventResponse[]> {
    const rows: EventRow[] = await this.dataSource.query(
      'SELECT sequence, id, type, call_id, data, created_at FROM events WHERE call_id = $1 ORDER BY sequence ASC',
      [callId],
    );
    return rows.map(toEventResponse);
  }

  async findById(id: string): Promise<EventResponse | null> {
    const rows: EventRow[] = await this.dataSource.query(
      'SELECT sequence, id, type, call_id, data, created_at FROM events WHERE id = $1',
      [id],
    );
    return rows.length ? toEventResponse(rows[0]) : null;
  }
}

/** The event as the API shows it, and as deliveries carry it: GET /v1/events/:id and a webhook body are the same JSON. */
export function toEventResponse(row: EventRow): EventResponse {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    sequence: Number(row.sequence),
    created_at: new Date(row.created_at).toISOString(),
    call_id: row.call_id,
    data: row.data,
  };
}
