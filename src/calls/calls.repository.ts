import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TERMINAL_STATUSES, idFloorAt } from '@switchboard/core';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import type { OutcomeStats } from '../routing/outcome-rules';
import { keysetPage, pageSize } from '../common/pagination';
import { EntityRows } from '../database/entity-rows';
import { preparedQuery } from '../database/pooled-query';
import { databaseFor } from '../database/request-database';
import type { RequestContext } from '../common/request-context';
import { StatementTexts } from '../database/statement-texts';
import { CallEntity } from './call.entity';
import { ID_TIME_SLACK_MS, callsPageQuery, callsPageText, filterCalls } from './calls-list.query';
import { NumberGramStats } from './number-gram-stats';
import { ListCallsDto } from './dto/call.dto';

/**
 * The only code that touches `calls`. Writes take the caller's transaction manager; only
 * the call ledger writes call state. Deleted calls are tombstones that reads never see.
 */
@Injectable()
export class CallsRepository {
  private rowsCodec?: EntityRows<CallEntity>;
  private readonly texts = new StatementTexts();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gramStats: NumberGramStats,
  ) {}

  /** Built on first use: the entity metadata exists once the data source is initialized. */
  private get rows(): EntityRows<CallEntity> {
    return (this.rowsCodec ??= new EntityRows(this.dataSource, CallEntity));
  }

  /**
   * The insert as a CTE `inserted` (id, webhook_url, version) of a larger statement, so the
   * call and its `call.created` event are one round trip (CallLedger.open). Hand-written SQL
   * on the create path: TypeORM regenerated and re-aliased all columns on every insert.
   * `version` is the row version's transaction id (`xmin`), which every later write of the
   * row changes: what CallLedger.applyIfUnchanged compares.
   */
  insertCte(call: CallEntity, params: unknown[]): string {
    const { shape, values } = this.rows.toColumns(call);
    const first = params.length + 1;
    for (const value of values) params.push(value);
    return this.texts.get(['insert', shape, first], () => {
      const placeholders = values.map((_, i) => `$${first + i}`);
      return `inserted AS (INSERT INTO calls (${shape.columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id, webhook_url, xmin::text AS version)`;
    });
  }

  /**
   * The row, locked for the rest of the transaction (tombstones included). With `advisoryKey`
   * the vendor-id lock is taken first in the same statement: the row lock comes at the top
   * of the plan, after the lock's subquery ran, so the order webhook ingest relies on (vendor
   * id, then row) holds with one round trip. FOR UPDATE reads the newest committed row even
   * if the statement's snapshot predates a commit it waited for.
   */
  async lock(tx: EntityManager, id: string, advisoryKey?: string): Promise<CallEntity | null> {
    const rows = advisoryKey
      ? await preparedQuery(
          tx,
          this.texts.get(
            ['lock after vendor id'],
            () =>
              `SELECT ${this.rows.columnList} FROM (SELECT pg_advisory_xact_lock(hashtext($2)) AS locked) l, calls WHERE id = $1 FOR UPDATE OF calls`,
          ),
          [id, advisoryKey],
        )
      : await preparedQuery(
          tx,
          this.texts.get(['lock'], () => `SELECT ${this.rows.columnList} FROM calls WHERE id = $1 FOR UPDATE`),
          [id],
        );
    return rows.length ? Object.assign(new CallEntity(), this.rows.fromRow(rows[0])) : null;
  }

  /**
   * After the caller's CTE `gate` (its own write, whose parameters `params` already holds):
   * for each row of it, the vendor-id lock, the call that vendor id is tied to on the
   * connection (switchboard_call_by_vendor_id: looked up after the lock wait) and that call's
   * row, locked. One round trip where webhook ingest took three. `gated` is false when the
   * gate yielded no row: nothing was locked or looked up. `callId` without `call` cannot
   * happen as long as a webhook follows its create (the call's row was committed before the
   * vendor dialed, so before this statement's snapshot); the caller locks it by id then.
   */
  async lockByVendorId(
    tx: EntityManager,
    target: { lockKey: string; connectionId: string; providerCallId: string },
    gate: { ctes: string; name: string; params: unknown[] },
  ): Promise<{ gated: boolean; callId: string | null; call: CallEntity | null }> {
    const { params } = gate;
    const first = params.push(target.lockKey, target.connectionId, target.providerCallId) - 2;
    const text = this.texts.get(['lock by vendor id', gate.ctes, gate.name, first], () => {
      const lookup = `switchboard_call_by_vendor_id($${first}, $${first + 1}, $${first + 2})`;
      return `WITH ${gate.ctes}, target AS MATERIALIZED (SELECT ${lookup} AS call_id FROM ${gate.name})
        SELECT t.call_id AS vendor_call_target, c.* FROM target t
        LEFT JOIN LATERAL (SELECT ${this.rows.columnList} FROM calls WHERE calls.id = t.call_id FOR UPDATE) c ON true`;
    });
    const [row] = await preparedQuery<Record<string, unknown>>(tx, text, params);
    if (!row) return { gated: false, callId: null, call: null };
    const callId = (row.vendor_call_target as string | null) ?? null;
    const call = row.id ? Object.assign(new CallEntity(), this.rows.fromRow(row)) : null;
    return { gated: true, callId, call };
  }

  async update(tx: EntityManager, id: string, changes: Partial<CallEntity>): Promise<void> {
    const params: unknown[] = [];
    await preparedQuery(tx, `WITH ${this.updateCte(id, changes, params)} SELECT 1`, params);
  }

  /**
   * The update as a CTE `updated` (id, version) of a larger statement (CallLedger.apply: the
   * change and its events in one round trip). `condition`: a conditional update, `from` other
   * CTEs it joins and `where` what must also hold (nothing is written otherwise). `where`
   * holds parameters pushed before this call's, so its texts are kept texts of the caller's
   * (or short): they are part of what this text is kept by.
   */
  updateCte(
    id: string,
    changes: Partial<CallEntity>,
    params: unknown[],
    condition: { from?: string; where?: readonly string[] } = {},
  ): string {
    const { shape, values } = this.rows.toColumns(changes);
    const first = params.length + 1;
    for (const value of values) params.push(value);
    params.push(id);
    const extra = condition.where ?? [];
    return this.texts.get(['update', shape, first, condition.from, extra.length, ...extra], () => {
      const sets = shape.columns.map((c, i) => `${c} = $${first + i}`);
      const where = [`calls.id = $${first + values.length}`, ...extra];
      return `updated AS (UPDATE calls SET ${sets.join(', ')}${condition.from ? ` FROM ${condition.from}` : ''} WHERE ${where.join(' AND ')} RETURNING calls.id, calls.xmin::text AS version)`;
    });
  }

  async find(id: string, context?: RequestContext): Promise<CallEntity | null> {
    // The GET hot path: a named (prepared) statement and a mapping built once.
    const rows = await preparedQuery(
      databaseFor(this.dataSource, context).manager,
      this.texts.get(['find'], () => `SELECT ${this.rows.columnList} FROM calls WHERE id = $1 AND deleted_at IS NULL`),
      [id],
    );
    return rows.length ? Object.assign(new CallEntity(), this.rows.fromRow(rows[0])) : null;
  }

  /**
   * The call a vendor id belongs to on a connection, tombstones included (late webhooks).
   * Through call_vendor_ids, which triggers keep: no index of `calls` covers the vendor id, so
   * that the create's answer is a HOT update (migration 1764350000000).
   */
  async idByProviderCallId(tx: EntityManager, connectionId: string, providerCallId: string): Promise<string | null> {
    const rows = await preparedQuery<{ call_id: string }>(
      tx,
      'SELECT call_id FROM call_vendor_ids WHERE provider_call_id = $1 AND connection_id = $2',
      [providerCallId, connectionId],
    );
    return rows[0]?.call_id ?? null;
  }

  /** Scheduling only (not call state): nothing more for the reconciler to do with this call. */
  async clearReconcile(id: string): Promise<void> {
    await this.dataSource.query('UPDATE calls SET reconcile_at = NULL WHERE id = $1', [id]);
  }

  /** The oldest live call on the connection to this number that no vendor call is tied to yet. */
  async unconfirmedIdByNumber(tx: EntityManager, connectionId: string, to: string): Promise<string | null> {
    const row = await tx.findOne(CallEntity, {
      select: { id: true },
      where: {
        connectionId,
        to,
        providerCallId: IsNull(),
        deletedAt: IsNull(),
        status: Not(In([...TERMINAL_STATUSES])),
      },
      order: { id: 'ASC' },
    });
    return row?.id ?? null;
  }

  /**
   * Which of these vendor ids already belong to a call on the connection other than
   * `exceptCallId` (a webhook may have tied one to the very call being looked up).
   */
  async knownProviderCallIds(
    tx: EntityManager,
    connectionId: string,
    providerCallIds: string[],
    exceptCallId: string,
  ): Promise<Set<string>> {
    if (!providerCallIds.length) return new Set();
    const rows: { provider_call_id: string }[] = await tx.query(
      'SELECT provider_call_id FROM call_vendor_ids WHERE provider_call_id = ANY($1) AND connection_id = $2 AND call_id <> $3',
      [providerCallIds, connectionId, exceptCallId],
    );
    return new Set(rows.map((r) => r.provider_call_id));
  }

  /**
   * A page of GET /v1/calls. Hand-written like the GET, but sent unnamed: a prepared statement
   * would after five runs be planned once for all values, and the best plan here depends on
   * them (how rare a status is, where a time bound falls in the id range).
   */
  async list(query: ListCallsDto) {
    return this.page(query, await this.legacyIdCeiling());
  }

  /** `list` against a given legacy id ceiling (see filterCalls): the database's, or a test's. */
  async page(query: ListCallsDto, legacyIdCeiling: string | null) {
    const filter = filterCalls(query, legacyIdCeiling, query.q ? this.gramStats.frequency() : undefined);
    const page = callsPageQuery(filter, query);
    // Not kept with the create path's texts: the sets of filters are many, and an unnamed
    // statement gains nothing from being the same string each time.
    const text = callsPageText(page.where, this.rows.columnList, page.values.length);
    const rows = await preparedQuery(this.dataSource.manager, text, page.values, { prepare: false });
    return keysetPage(
      rows.map((row) => Object.assign(new CallEntity(), this.rows.fromRow(row))),
      pageSize(query),
    );
  }

  /** Written once by its migration and never changed: read once per process. */
  private legacyCeiling?: Promise<string | null>;
  private legacyIdCeiling(): Promise<string | null> {
    this.legacyCeiling ??= this.dataSource
      .query('SELECT ceiling FROM calls_legacy_ids LIMIT 1')
      .then((rows: { ceiling: string | null }[]) => rows[0]?.ceiling ?? null)
      .catch((e: unknown) => {
        this.legacyCeiling = undefined; // an outage: asked again next time
        throw e;
      });
    return this.legacyCeiling;
  }

  /** Live calls on a connection, oldest first: the likeliest to be stranded. */
  activeOnConnection(connectionId: string, limit: number, context?: RequestContext): Promise<CallEntity[]> {
    return databaseFor(this.dataSource, context).manager.find(CallEntity, {
      where: { connectionId, deletedAt: IsNull(), status: Not(In([...TERMINAL_STATUSES])) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  countActiveOnConnection(connectionId: string, context?: RequestContext): Promise<number> {
    return databaseFor(this.dataSource, context).manager.count(CallEntity, {
      where: { connectionId, deletedAt: IsNull(), status: Not(In([...TERMINAL_STATUSES])) },
    });
  }

  /**
   * How the connections' recent dials ended: outbound calls created since `since` that the
   * vendor accepted (it gave an id) and that have finished. Canceled calls are left out (the
   * client ended them); no_answer and busy count as finished but not failed (the callee's
   * doing). Setup latency is created → answered, over answered calls: every vendor reports
   * an answer time, while a separate dial-start time exists only at some. The id bound is the
   * window again (ids are minted at created_at), so calls_connection (connection_id, id) reads
   * only the window's rows.
   */
  async outcomeStats(connectionIds: string[], since: Date): Promise<Map<string, OutcomeStats>> {
    const rows: {
      connection_id: string;
      finished: number;
      answered: number;
      failed: number;
      setup_ms_p50: number | null;
    }[] = await this.dataSource.query(
      `SELECT connection_id,
              count(*)::int AS finished,
              count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM answered_at - created_at) * 1000))
                FILTER (WHERE answered_at IS NOT NULL) AS setup_ms_p50
       FROM calls
       WHERE connection_id = ANY($1) AND direction = 'outbound' AND provider_call_id IS NOT NULL
         AND status IN ('completed', 'failed', 'no_answer', 'busy') AND created_at >= $2 AND id >= $3
       GROUP BY connection_id`,
      [connectionIds, since, idFloorAt('call', new Date(since.getTime() - ID_TIME_SLACK_MS))],
    );
    return new Map(
      rows.map((r) => [
        r.connection_id,
        {
          finished: r.finished,
          answered: r.answered,
          failed: r.failed,
          setupLatencyMsP50: r.setup_ms_p50 === null ? null : Number(r.setup_ms_p50),
        },
      ]),
    );
  }

  /**
   * Leases up to `limit` calls whose reconcile time has come (at most `perConnection` per
   * connection, so one vendor's budget is not spent on a backlog), by moving their reconcile
   * time to `leaseUntil`. SKIP LOCKED lets any number of instances claim side by side; a
   * crashed instance's lease simply runs out. The vendor is asked outside any transaction.
   */
  async leaseDue(now: Date, leaseUntil: Date, limit: number, perConnection: number): Promise<CallEntity[]> {
    return this.dataSource.transaction(async (tx) => {
      const rows: { id: string }[] = await tx.query(
        `SELECT id FROM calls WHERE id IN (
           SELECT id FROM (
             SELECT id, row_number() OVER (PARTITION BY connection_id ORDER BY reconcile_at) AS n
             FROM calls WHERE reconcile_at <= $1 AND deleted_at IS NULL) due
           WHERE n <= $3)
         ORDER BY reconcile_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit, perConnection],
      );
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      await tx.query('UPDATE calls SET reconcile_at = $2, reconcile_checks = reconcile_checks + 1 WHERE id = ANY($1)', [
        ids,
        leaseUntil,
      ]);
      return tx.find(CallEntity, { where: { id: In(ids) } });
    });
  }
}
