import { Injectable } from '@nestjs/common';
import { newId, WebhookObservation } from '@switchboard/core';
import { EntityManager } from 'typeorm';

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
  /** Stores the raw webhook; null when one with the same content was stored before (a duplicate). */
  async insertUnlessDuplicate(tx: EntityManager, w: NewInboundWebhook): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO inbound_webhooks (id, connection_id, provider, dedup_key, event_type, provider_call_id, occurred_at, received_at, headers, body, observation, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb, $12)
       ON CONFLICT (connection_id, dedup_key) DO NOTHING RETURNING id`,
      [
        newId('inboundWebhook'),
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
      ],
    );
    return rows.length ? rows[0].id : null;
  }

  async settle(tx: EntityManager, id: string, state: 'applied' | 'ignored', callId: string | null): Promise<void> {
    await tx.query(`UPDATE inbound_webhooks SET state = $2, call_id = $3, applied_at = now() WHERE id = $1`, [
      id,
      state,
      callId,
    ]);
  }

  /**
   * Webhooks that arrived before their call was known, oldest vendor time first, locked: a
   * CTE `pending` of a larger statement plus the output column that reads it (`pending`,
   * decoded by {@link pendingFromColumn}). The ledger reads them in the statement that ties
   * the call to its vendor id, after the vendor-id lock was granted in an earlier statement,
   * so this statement's snapshot sees a webhook stored as pending before that.
   */
  pendingCte(connectionId: string, providerCallId: string, params: unknown[]): { cte: string; select: string } {
    return {
      cte: `pending AS (
         SELECT id, connection_id, provider, received_at, occurred_at, observation FROM inbound_webhooks
         WHERE state = 'pending' AND provider_call_id = $${params.push(providerCallId)} AND connection_id = $${params.push(connectionId)} FOR UPDATE)`,
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
