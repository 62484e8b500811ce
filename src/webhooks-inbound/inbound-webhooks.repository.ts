import { Injectable } from '@nestjs/common';
import { newId, WebhookObservation } from '@switchboard/core';
import { EntityManager } from 'typeorm';
import { preparedQuery } from '../database/pooled-query';
import { StatementTexts } from '../database/statement-texts';

export interface NewInboundWebhook {
  connectionId: string;
  provider: string;
  dedupKey: string;
  eventType: string;
  providerCallId: string | null;
  occurredAt: Date | null;
  receivedAt: Date;
  headers: Record<string, string>;
  body: Buffer;
  observation: WebhookObservation | null;
  state: 'applied' | 'pending' | 'ignored';
}

export interface PendingWebhook {
  id: string;
  connectionId: string;
  provider: string;
  receivedAt: Date;
  observation: WebhookObservation;
}

interface PendingRow {
  id: string;
  connection_id: string;
  provider: string;
  received_at: Date;
  observation: WebhookObservation;
}

const toPending = (r: PendingRow): PendingWebhook => ({
  id: r.id,
  connectionId: r.connection_id,
  provider: r.provider,
  receivedAt: new Date(r.received_at),
  observation: r.observation,
});

/** The only code that touches `inbound_webhooks`. Every method runs in the caller's transaction. */
@Injectable()
export class InboundWebhooksRepository {
  private readonly texts = new StatementTexts();

  /** Stores the raw webhook; null when one with the same content was stored before (a duplicate). */
  async insertUnlessDuplicate(tx: EntityManager, w: NewInboundWebhook): Promise<string | null> {
    const params: unknown[] = [];
    const rows = await preparedQuery<{ id: string }>(
      tx,
      `WITH ${this.insertCte(w, params).cte} SELECT id FROM stored`,
      params,
    );
    return rows.length ? rows[0].id : null;
  }

  /**
   * The insert as a CTE `stored` (id) of a larger statement: a row when the webhook is new,
   * none for a duplicate. Its parameters are pushed onto `params`; `id` is the new row's.
   */
  insertCte(w: NewInboundWebhook, params: unknown[]): { cte: string; id: string } {
    const first = params.length + 1;
    const id = newId('inboundWebhook');
    params.push(
      id,
      w.connectionId,
      w.provider,
      w.dedupKey,
      w.eventType,
      w.providerCallId,
      w.occurredAt,
      w.receivedAt,
      JSON.stringify(w.headers),
      w.body,
      w.observation ? JSON.stringify(w.observation) : null,
      w.state,
    );
    const cte = this.texts.get(['insert', first], () => {
      const p = (i: number) => `$${first + i}`;
      return `stored AS (INSERT INTO inbound_webhooks (id, connection_id, provider, dedup_key, event_type, provider_call_id, occurred_at, received_at, headers, body, observation, state)
       VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}::jsonb, ${p(9)}, ${p(10)}::jsonb, ${p(11)})
       ON CONFLICT (connection_id, dedup_key) DO NOTHING RETURNING id)`;
    });
    return { cte, id };
  }

  async settle(tx: EntityManager, id: string, state: 'applied' | 'ignored', callId: string | null): Promise<void> {
    const params: unknown[] = [];
    await preparedQuery(tx, `WITH ${this.settleCte(id, state, callId, params)} SELECT 1`, params);
  }

  /** `settle` as a CTE `settled` of a larger statement (CallLedger.apply: the webhook settled with its change). */
  settleCte(id: string, state: 'applied' | 'ignored', callId: string | null, params: unknown[]): string {
    const first = params.push(id, state, callId) - 2;
    return this.texts.get(
      ['settle', first],
      () =>
        `settled AS (UPDATE inbound_webhooks SET state = $${first + 1}, call_id = $${first + 2}, applied_at = now() WHERE id = $${first} RETURNING 1)`,
    );
  }

  /**
   * Webhooks that arrived before their call was known, oldest vendor time first, locked: a
   * CTE `pending` of a larger statement plus the output column that reads it (`pending`,
   * decoded by {@link pendingFromColumn}). The ledger reads them in the statement that ties
   * the call to its vendor id, after the vendor-id lock was granted in an earlier statement,
   * so this statement's snapshot sees a webhook stored as pending before that.
   */
  pendingCte(
    connectionId: string,
    providerCallId: string,
    params: unknown[],
    except: string | null = null,
  ): { cte: string; select: string } {
    // `except`: the webhook the same statement settles (settleCte), still pending in its snapshot.
    return {
      cte: `pending AS (
         SELECT id, connection_id, provider, received_at, occurred_at, observation FROM inbound_webhooks
         WHERE state = 'pending' AND provider_call_id = $${params.push(providerCallId)} AND connection_id = $${params.push(connectionId)}
           AND id IS DISTINCT FROM $${params.push(except)}::text FOR UPDATE)`,
      select:
        '(SELECT jsonb_agg(to_jsonb(p) ORDER BY p.occurred_at ASC NULLS LAST, p.received_at ASC) FROM pending p) AS pending',
    };
  }

  pendingFromColumn(value: unknown): PendingWebhook[] {
    return ((value as PendingRow[] | null) ?? []).map(toPending);
  }

  /**
   * Pending webhooks no create has claimed for `graceMs`: calls the gateway did not place.
   * Claimed with SKIP LOCKED, so any number of reconcilers share the work.
   */
  async claimOrphans(tx: EntityManager, olderThan: Date, limit: number): Promise<PendingWebhook[]> {
    const rows: PendingRow[] = await tx.query(
      `SELECT id, connection_id, provider, received_at, observation FROM inbound_webhooks
       WHERE state = 'pending' AND received_at < $1
       ORDER BY received_at ASC LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [olderThan, limit],
    );
    return rows.map(toPending);
  }
}
