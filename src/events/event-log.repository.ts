import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { newId } from '@switchboard/core';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveriesRepository } from '../delivery/deliveries.repository';

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
    await tx.query('SELECT pg_advisory_xact_lock($1)', [EVENT_APPEND_LOCK]);
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
