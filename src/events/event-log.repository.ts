import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { newId } from '@switchboard/core';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { EVENTS_CHANNEL } from './notifier/event-notifier';

/**
 * Key of the transaction-level advisory lock every append takes. While one transaction
 * holds it no other can take a sequence number, so numbers are handed out in commit order:
 * a reader that has seen every event up to N never later finds a new one below N. The
 * lock is held from the append to the commit, so appends go last in their transaction.
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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /**
   * Appends in the caller's transaction (the outbox): stored with the change, or not at all,
   * and so are the deliveries of these events to every subscribed consumer.
   */
  async append(tx: EntityManager, events: NewEvent[]): Promise<EventResponse[]> {
    if (!events.length) return [];
    // The notification rides on the lock's statement (no extra round trip) and goes out at
    // commit, when the events become visible; Postgres folds repeats within a transaction.
    await tx.query("SELECT pg_advisory_xact_lock($1), pg_notify($2, '')", [EVENT_APPEND_LOCK, EVENTS_CHANNEL]);
    const params: unknown[] = [];
    const values = events.map((e) => {
      params.push(newId('event'), e.type, e.callId, JSON.stringify(e.data));
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb)`;
    });
    const rows: EventRow[] = await tx.query(
      `INSERT INTO events (id, type, call_id, data) VALUES ${values.join(', ')} RETURNING sequence, id, type, call_id, data, created_at`,
      params,
    );
    await this.deliveries.enqueueForEvents(tx, rows.map((r) => ({ id: r.id, sequence: r.sequence, type: r.type, callId: r.call_id })));
    return rows.map(toEventResponse);
  }

  /** Ascending by sequence after `after`; one row more than `limit` tells whether more exist. */
  async list(query: EventQuery): Promise<{ data: EventResponse[]; has_more: boolean }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.after !== undefined) where.push(`sequence > $${params.push(query.after)}`);
    if (query.types?.length) where.push(`type = ANY($${params.push(query.types)})`);
    if (query.callId) where.push(`call_id = $${params.push(query.callId)}`);
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT sequence, id, type, call_id, data, created_at FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY sequence ASC LIMIT $${params.push(query.limit + 1)}`,
      params,
    );
    return { data: rows.slice(0, query.limit).map(toEventResponse), has_more: rows.length > query.limit };
  }

  /**
   * One page for a stream: like `list`, plus how far the log was read. Both come from one
   * statement, hence one snapshot: with no more matching rows, every event up to that
   * snapshot's last sequence has been seen, so a filtered stream can move past the events
   * it skipped instead of scanning them again on every wake-up.
   */
  async streamPage(query: EventQuery & { after: number }): Promise<{ data: EventResponse[]; has_more: boolean; read_to: number }> {
    const where = ['sequence > $1'];
    const params: unknown[] = [query.after];
    if (query.types?.length) where.push(`type = ANY($${params.push(query.types)})`);
    if (query.callId) where.push(`call_id = $${params.push(query.callId)}`);
    const rows: (EventRow & { head: string })[] = await this.dataSource.query(
      `SELECT h.head, e.sequence, e.id, e.type, e.call_id, e.data, e.created_at
       FROM (SELECT COALESCE(max(sequence), 0) AS head FROM events) h
       LEFT JOIN LATERAL (
         SELECT sequence, id, type, call_id, data, created_at FROM events WHERE ${where.join(' AND ')}
         ORDER BY sequence ASC LIMIT $${params.push(query.limit + 1)}
       ) e ON true
       ORDER BY e.sequence ASC`,
      params,
    );
    const found = rows.filter((r) => r.sequence !== null);
    const data = found.slice(0, query.limit).map(toEventResponse);
    const has_more = found.length > query.limit;
    const head = Number(rows[0]?.head ?? 0);
    return { data, has_more, read_to: has_more ? data[data.length - 1].sequence : Math.max(query.after, head) };
  }

  /** The last sequence committed so far (0 on an empty log): where a stream with no position starts. */
  async lastSequence(): Promise<number> {
    const rows: { head: string }[] = await this.dataSource.query('SELECT COALESCE(max(sequence), 0) AS head FROM events');
    return Number(rows[0].head);
  }

  async forCall(callId: string): Promise<EventResponse[]> {
    const rows: EventRow[] = await this.dataSource.query(
      'SELECT sequence, id, type, call_id, data, created_at FROM events WHERE call_id = $1 ORDER BY sequence ASC',
      [callId],
    );
    return rows.map(toEventResponse);
  }

  async findById(id: string): Promise<EventResponse | null> {
    const rows: EventRow[] = await this.dataSource.query('SELECT sequence, id, type, call_id, data, created_at FROM events WHERE id = $1', [id]);
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
