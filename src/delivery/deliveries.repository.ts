import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { preparedQuery } from '../database/pooled-query';
import type { EventRow } from '../events/event-log.repository';
import { DeliveryAttempt, DeliveryStatus } from './delivery.entity';

/** Set on a transaction's query runner when its events created deliveries: wake the workers at commit. */
export const DELIVERIES_ENQUEUED = 'switchboard.deliveriesEnqueued';

export interface AppendedEvent {
  id: string;
  sequence: string | number;
  type: string;
  callId: string | null;
}

/** A delivery claimed by a worker, with what it needs to send: the event and the target. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string | null;
  /** The endpoint's URL, or the call's webhook_url for a per-call delivery. */
  url: string;
  /** Null for per-call deliveries (always on), and for endpoints deleted meanwhile. */
  endpointEnabled: boolean | null;
  secretEncrypted: string | null;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  attemptCount: number;
  event: EventRow;
}

export interface DeliveryView {
  id: string;
  object: 'delivery';
  event_id: string;
  event_type: string;
  event_sequence: number;
  endpoint_id: string | null;
  url: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface AttemptOutcome {
  attempt: DeliveryAttempt;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  completedAt: Date | null;
}

/** Endpoints that take an event: enabled, and subscribed to its type (empty list = every type). */
const MATCHING_ENDPOINT = 'w.enabled AND (cardinality(w.subscribed_types) = 0 OR e.type = ANY(w.subscribed_types))';

/** The only code that touches `deliveries`: the outbox insert, the workers' claims, the API's reads. */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private readonly outsideTransaction = new Set<() => void>();

  /**
   * The outbox as a CTE of the statement that appends the events: one delivery per matching
   * endpoint and one per event of a call that has its own webhook_url. `events` names the CTE
   * of the appended rows (id, sequence, type, call_id); `calls` the relation to read a call's
   * webhook_url from (the table, or the CTE that inserts the call in the same statement,
   * since a statement does not see its own inserts). The caller selects `enqueued` and hands
   * the count to {@link noteEnqueued}.
   */
  enqueueCte(events: string, calls: string): string {
    return `enqueued AS (
       INSERT INTO deliveries (event_id, event_sequence, endpoint_id, url, next_attempt_at)
       SELECT e.id, e.sequence, w.id, NULL, now() FROM ${events} e JOIN webhook_endpoints w ON ${MATCHING_ENDPOINT}
       UNION ALL
       SELECT e.id, e.sequence, NULL, c.webhook_url, now() FROM ${events} e JOIN ${calls} c ON c.id = e.call_id AND c.webhook_url IS NOT NULL
       RETURNING 1)`;
  }

  /**
   * Deliveries were enqueued: in a transaction, the workers are woken at its commit (the flag
   * is read by their commit subscriber); a single autocommit statement has committed already.
   */
  noteEnqueued(tx: EntityManager, count: number): void {
    if (!count) return;
    if (tx.queryRunner?.isTransactionActive)
      tx.queryRunner.data = { ...tx.queryRunner.data, [DELIVERIES_ENQUEUED]: true };
    else for (const listener of this.outsideTransaction) listener();
  }

  /** `listener` runs when an autocommit statement enqueued deliveries. */
  onEnqueuedOutsideTransaction(listener: () => void): void {
    this.outsideTransaction.add(listener);
  }

  /**
   * Claims up to `limit` due deliveries for this worker. One statement: SKIP LOCKED lets
   * workers on every instance claim side by side without waiting on each other, and the
   * claim moves `next_attempt_at` to the lease end, so a worker that dies mid-attempt
   * leaves its rows due again once the lease runs out.
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const rows = await preparedQuery<ClaimRow>(
      this.dataSource.manager,
      `UPDATE deliveries d SET next_attempt_at = $2, locked_until = $2
       FROM (
         SELECT dd.id, COALESCE(w.url, dd.url) AS target_url, w.enabled AS endpoint_enabled, w.secret_encrypted,
                w.previous_secret_encrypted, w.previous_secret_expires_at,
                e.sequence, e.id AS event_id, e.type, e.call_id, e.data, e.created_at AS event_created_at
         FROM deliveries dd
         JOIN events e ON e.id = dd.event_id
         LEFT JOIN webhook_endpoints w ON w.id = dd.endpoint_id
         WHERE dd.status = 'pending' AND dd.next_attempt_at <= $1
         ORDER BY dd.next_attempt_at
         LIMIT $3
         FOR UPDATE OF dd SKIP LOCKED) due
       WHERE d.id = due.id
       RETURNING d.id, d.endpoint_id, d.attempt_count, due.*`,
      [now, leaseUntil, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      url: r.target_url,
      endpointEnabled: r.endpoint_enabled,
      secretEncrypted: r.secret_encrypted,
      previousSecretEncrypted: r.previous_secret_encrypted,
      previousSecretExpiresAt: r.previous_secret_expires_at,
      attemptCount: r.attempt_count,
      event: {
        sequence: r.sequence,
        id: r.event_id,
        type: r.type,
        call_id: r.call_id,
        data: r.data,
        created_at: r.event_created_at,
      },
    }));
  }

  /**
   * `alongside`: the caller's own write in the same statement, a CTE over the parameters after
   * this one's (the endpoint's health: WebhookEndpointsRepository.noteSuccessCte). Prepared:
   * every delivery sends it.
   */
  async recordAttempt(id: string, outcome: AttemptOutcome, alongside?: (params: unknown[]) => string): Promise<void> {
    const params: unknown[] = [
      id,
      JSON.stringify([outcome.attempt]),
      outcome.status,
      outcome.nextAttemptAt,
      outcome.completedAt,
    ];
    const also = alongside?.(params);
    await preparedQuery(
      this.dataSource.manager,
      `WITH recorded AS (UPDATE deliveries SET attempt_count = attempt_count + 1, attempts = attempts || $2::jsonb, status = $3,
         next_attempt_at = $4, locked_until = NULL, completed_at = $5
       WHERE id = $1 AND status = 'pending' RETURNING 1)${also ? `, ${also}` : ''} SELECT 1`,
      params,
    );
  }

  /** Gives a claimed delivery back without counting an attempt (its worker is stopping). */
  async release(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET next_attempt_at = now(), locked_until = NULL WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  /** Newest first, keyset by id (ids are time-sortable), like every list. */
  async pageForEndpoint(
    endpointId: string,
    limit: number,
    cursor?: string,
    status?: DeliveryStatus,
  ): Promise<{ data: DeliveryView[]; has_more: boolean; next_cursor: string | null }> {
    const params: unknown[] = [endpointId];
    const where = ['d.endpoint_id = $1'];
    if (cursor !== undefined) where.push(`d.id < $${params.push(decodeCursor(cursor))}`);
    if (status) where.push(`d.status = $${params.push(status)}`);
    const rows: ViewRow[] = await this.dataSource.query(
      `SELECT d.*, e.type AS event_type FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE ${where.join(' AND ')} ORDER BY d.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    const has_more = rows.length > limit;
    const data = rows.slice(0, limit).map(toView);
    return { data, has_more, next_cursor: has_more ? encodeCursor(data[data.length - 1].id) : null };
  }

  async forEvent(eventId: string): Promise<DeliveryView[]> {
    const rows: ViewRow[] = await this.dataSource.query(
      'SELECT d.*, e.type AS event_type FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.event_id = $1 ORDER BY d.id',
      [eventId],
    );
    return rows.map(toView);
  }

  /**
   * Fresh deliveries of one event: to one endpoint, or to every endpoint subscribed to it
   * now plus its call's webhook_url. Earlier deliveries keep their history.
   */
  async redeliver(eventId: string, endpointId: string | null): Promise<DeliveryView[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO deliveries (event_id, event_sequence, endpoint_id, url, next_attempt_at)
       SELECT e.id, e.sequence, w.id, NULL, now() FROM events e JOIN webhook_endpoints w ON ${MATCHING_ENDPOINT} AND ($2::text IS NULL OR w.id = $2)
       WHERE e.id = $1
       UNION ALL
       SELECT e.id, e.sequence, NULL, c.webhook_url, now() FROM events e JOIN calls c ON c.id = e.call_id AND c.webhook_url IS NOT NULL
       WHERE e.id = $1 AND $2::text IS NULL
       RETURNING id`,
      [eventId, endpointId],
    );
    const ids = new Set(rows.map((r) => r.id));
    return (await this.forEvent(eventId)).filter((d) => ids.has(d.id));
  }

  /** Replay: a fresh delivery to this endpoint of every event it subscribes to after `afterSequence`. */
  async replay(endpointId: string, afterSequence: number): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO deliveries (event_id, event_sequence, endpoint_id, url, next_attempt_at)
       SELECT e.id, e.sequence, w.id, NULL, now() FROM events e JOIN webhook_endpoints w ON w.id = $1 AND ${MATCHING_ENDPOINT}
       WHERE e.sequence > $2
       RETURNING 1`,
      [endpointId, afterSequence],
    );
    return rows.length;
  }
}

interface ClaimRow {
  id: string;
  endpoint_id: string | null;
  attempt_count: number;
  target_url: string;
  endpoint_enabled: boolean | null;
  secret_encrypted: string | null;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  sequence: string;
  event_id: string;
  type: string;
  call_id: string | null;
  data: Record<string, unknown>;
  event_created_at: Date;
}

interface ViewRow {
  id: string;
  event_id: string;
  event_type: string;
  event_sequence: string;
  endpoint_id: string | null;
  url: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  attempts: DeliveryAttempt[];
  next_attempt_at: Date | null;
  created_at: Date;
  completed_at: Date | null;
}

function toView(row: ViewRow): DeliveryView {
  return {
    id: row.id,
    object: 'delivery',
    event_id: row.event_id,
    event_type: row.event_type,
    event_sequence: Number(row.event_sequence),
    endpoint_id: row.endpoint_id,
    url: row.endpoint_id ? null : row.url,
    status: row.status,
    attempt_count: row.attempt_count,
    attempts: row.attempts,
    next_attempt_at:
      row.status === 'pending' && row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
    created_at: new Date(row.created_at).toISOString(),
    completed_at: row.completed_at ? new Date(row.completed_at).toISOString() : null,
  };
}
