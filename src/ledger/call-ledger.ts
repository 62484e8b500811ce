import { Inject, Injectable } from '@nestjs/common';
import { isTerminal, nextStatus, NotFoundError } from '@switchboard/core';
import { EntityManager } from 'typeorm';
import { CallEntity } from '../calls/call.entity';
import { toCallResponse } from '../calls/call-response';
import { CallsRepository } from '../calls/calls.repository';
import { StatementTexts } from '../database/statement-texts';
import { EventLogRepository, NewEvent } from '../events/event-log.repository';
import { InboundWebhooksRepository, PendingWebhook } from '../webhooks-inbound/inbound-webhooks.repository';
import { CallEventType, mergeProviderCall } from './call-merge';
import { fromWebhook, Observation } from './observation';

/** How long a live or unconfirmed call may go without vendor news before the reconciler asks. */
export const LEDGER_SETTINGS = Symbol('LEDGER_SETTINGS');
export interface LedgerSettings {
  reconcileAfterMs: number;
  /** Delay of the one vendor read after a call ends by webhook (webhooks may lack cost or times). */
  finalReadDelayMs: number;
}

/** Observations that are a read of the vendor's whole view of the call. */
const VENDOR_READS: readonly string[] = ['create', 'poll', 'reconcile', 'sync'];

/** Serializes "is this vendor call known yet?" between a webhook and the create that learns its id. */
export const providerCallLockKey = (providerCallId: string) => `call:${providerCallId}`;

// applyIfUnchanged's parameters $1 to $4: the vendor-id lock's key, the row version, the connection, the vendor id.
const VENDOR_LOCK_CTE = 'vendor_lock AS (SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) l)';
const UNCHANGED_WHERE = Object.freeze([
  'calls.xmin = $2::xid',
  'NOT switchboard_webhooks_pending($3, $4, vendor_lock.locked)',
]);

/**
 * The caller's own write in the statement of a create's vendor answer: a CTE over the
 * statement's parameters, given the call as it will be stored and the name of the CTE that
 * yields a row only when the answer's conditional update writes (`gate`: the caller's write
 * must be conditional on it); `written` is told when the statement wrote.
 */
export interface AnswerAlongside {
  cte(updated: CallEntity, params: unknown[], gate: string): string;
  written(): void;
}

/**
 * The one unit of work through which every change to a call goes, from any producer
 * (create, failover attempts, webhooks, polling, the reconciler, history sync). It runs in
 * the caller's transaction: lock the row, merge the observation with the status machine,
 * write, append the unified events last (they take the event log's lock until commit).
 * Nothing reads a row back after writing it: the locked row plus the written values is
 * what is stored.
 */
@Injectable()
export class CallLedger {
  constructor(
    private readonly calls: CallsRepository,
    private readonly events: EventLogRepository,
    private readonly webhooks: InboundWebhooksRepository,
    @Inject(LEDGER_SETTINGS) private readonly settings: LedgerSettings,
  ) {}

  /**
   * The row version (`xmin`) each call entity was stored as, where this process wrote it
   * last: what a conditional write compares with the row (CallLedger.applyIfUnchanged).
   */
  private readonly versions = new WeakMap<CallEntity, string>();

  private readonly texts = new StatementTexts();

  /**
   * A new call and its `call.created` event. The reconciler will look if nothing else does.
   * `alongside` adds the caller's own write to the statement, a CTE over its parameters (the
   * Idempotency-Key recording the call), so both are one unit of work without a transaction.
   */
  async open(
    tx: EntityManager,
    call: CallEntity,
    observation: Pick<Observation, 'source' | 'receivedAt' | 'vendorEventType' | 'occurredAt'>,
    alongside?: (params: unknown[]) => string,
  ): Promise<void> {
    call.reconcileAt = isTerminal(call.status)
      ? null
      : new Date(observation.receivedAt.getTime() + this.settings.reconcileAfterMs);
    // One statement: the row, its event and the event's deliveries (outside a transaction, that is the whole unit of work).
    const params: unknown[] = [];
    const { extra } = await this.events.appendAlongside(
      tx,
      this.eventsFor(call, ['call.created'], null, { ...observation }),
      {
        ctes: alongside
          ? `${this.calls.insertCte(call, params)}, ${alongside(params)}`
          : this.calls.insertCte(call, params),
        params,
        calls: 'inserted',
        select: '(SELECT version FROM inserted) AS version',
        returnEvents: false,
      },
    );
    this.versions.set(call, String(extra.version));
  }

  /**
   * A create's vendor answer, recorded in one autocommit statement instead of a transaction
   * of four: the change is merged here against the call as this process stored it, and
   * written only if the row is still that version and no webhook of the vendor call waits to
   * be tied to it. Otherwise nothing is written and null comes back, and the caller takes the
   * general path (`apply` in a transaction), which locks, re-reads and applies pending
   * webhooks. In the statement: the vendor-id lock first (the order webhook ingest keeps),
   * then the pending check with its own snapshot (a migration's function: the statement's
   * snapshot predates the lock wait), then the update of that version and its events, and
   * `alongside` (the Idempotency-Key's response), all written or none.
   */
  async applyIfUnchanged(
    db: EntityManager,
    call: CallEntity,
    observation: Observation,
    alongside?: AnswerAlongside,
  ): Promise<CallEntity | null> {
    const version = this.versions.get(call);
    const providerCallId = observation.vendor?.providerCallId;
    if (!version || !providerCallId || call.providerCallId || call.deletedAt || !call.connectionId) return null;
    const { changes, types } = this.merge(call, observation);
    if (changes.providerCallId !== providerCallId) return null;
    // reconcile_at is indexed: moving it would make the answer a non-HOT update, which writes
    // every index of calls again. A call still live keeps the time open set, so the reconciler
    // looks reconcileAfterMs after the create rather than after its answer.
    if (!isTerminal(changes.status ?? call.status)) delete changes.reconcileAt;
    changes.updatedAt = new Date();
    const updated = Object.assign(Object.assign(new CallEntity(), call), changes);
    // The lock's and the conditions' parameters come first ($1 to $4), so their texts never change.
    const params: unknown[] = [providerCallLockKey(providerCallId), version, call.connectionId, providerCallId];
    const update = this.calls.updateCte(call.id, changes, params, { from: 'vendor_lock', where: UNCHANGED_WHERE });
    const parts = alongside ? [update, alongside.cte(updated, params, 'updated')] : [update];
    const { extra } = await this.events.appendAlongside(
      db,
      this.eventsFor(updated, types, updated.status !== call.status ? call.status : null, observation),
      {
        ctes: this.texts.get(parts, () => [VENDOR_LOCK_CTE, ...parts].join(', ')),
        params,
        select: '(SELECT version FROM updated) AS version',
        gate: 'updated',
        returnEvents: false,
      },
    );
    if (!extra.version) return null;
    this.versions.set(updated, String(extra.version));
    alongside?.written();
    return updated;
  }

  /**
   * `providerCallLockHeld`: the caller already holds the vendor-id lock (webhook ingest,
   * history sync), so it is not asked for again. `locked`: the caller locked the call's row
   * itself in this transaction (CallsRepository.lockByVendorId), and this is the row as it
   * read it. `settles`: the stored vendor webhook this observation came from, settled as
   * applied in the same statement as the change and its events. A tombstone comes back
   * unchanged, without either.
   */
  async apply(
    tx: EntityManager,
    callId: string,
    observation: Observation,
    options: { providerCallLockHeld?: boolean; locked?: CallEntity; settles?: string } = {},
  ): Promise<CallEntity> {
    const providerCallId = observation.vendor?.providerCallId;
    // The vendor-id lock before the row lock, in the same order as webhook ingest, so the two
    // never deadlock; one statement (CallsRepository.lock).
    const current =
      options.locked ??
      (await this.calls.lock(
        tx,
        callId,
        providerCallId && !options.providerCallLockHeld ? providerCallLockKey(providerCallId) : undefined,
      ));
    if (!current) throw new NotFoundError('call', callId);
    // A deleted call is a tombstone: late reports about it are no longer news.
    if (current.deletedAt) return current;
    const previousStatus = current.status;
    const { changes, types } = this.merge(current, observation);
    const learnedProviderCallId = !current.providerCallId && changes.providerCallId ? changes.providerCallId : null;
    const params: unknown[] = [];
    const ctes: string[] = [];
    if (Object.keys(changes).length) {
      changes.updatedAt = new Date();
      ctes.push(this.calls.updateCte(callId, changes, params));
    }
    if (options.settles) ctes.push(this.webhooks.settleCte(options.settles, 'applied', callId, params));
    const updated = Object.assign(current, changes);
    // Webhooks that came before the vendor id was known, read under the vendor-id lock taken above.
    const pending =
      learnedProviderCallId && updated.connectionId
        ? this.webhooks.pendingCte(updated.connectionId, learnedProviderCallId, params, options.settles ?? null)
        : null;
    if (pending) ctes.push(pending.cte);
    // The change, the webhook's settling, its events and the pending webhooks in one statement.
    const { extra } = await this.events.appendAlongside(
      tx,
      this.eventsFor(updated, types, updated.status !== previousStatus ? previousStatus : null, observation),
      {
        ctes: ctes.join(', '),
        params,
        select: pending?.select,
        returnEvents: false,
      },
    );
    if (pending) return this.applyPending(tx, updated, this.webhooks.pendingFromColumn(extra.pending));
    return updated;
  }

  /**
   * Deleting keeps the row as a tombstone with its personal fields blanked (so a late vendor
   * webhook still finds its call and is ignored) and appends `call.deleted`; earlier events
   * stay as they were, since an event log is never rewritten.
   */
  async delete(tx: EntityManager, callId: string, at: Date): Promise<void> {
    const current = await this.calls.lock(tx, callId);
    if (!current || current.deletedAt) throw new NotFoundError('call', callId);
    const blanked: Partial<CallEntity> = {
      deletedAt: at,
      updatedAt: at,
      reconcileAt: null,
      to: '',
      from: null,
      customer: null,
      context: null,
      firstMessage: null,
      variables: null,
      transcript: null,
      summary: null,
      recordingUrl: null,
      analysis: null,
    };
    await this.calls.update(tx, callId, blanked);
    const observation = { source: 'gateway' as const, vendorEventType: null, occurredAt: null, receivedAt: at };
    await this.events.append(tx, this.eventsFor(Object.assign(current, blanked), ['call.deleted'], null, observation));
  }

  /** Webhooks that arrived before the create returned this call's vendor id, applied in vendor order. */
  private async applyPending(
    tx: EntityManager,
    call: CallEntity,
    pendingWebhooks: PendingWebhook[],
  ): Promise<CallEntity> {
    let current = call;
    for (const pending of pendingWebhooks) {
      // The row stays locked by this transaction, and `current` is what it holds now.
      current = await this.apply(tx, call.id, fromWebhook(pending.observation, pending.receivedAt), {
        providerCallLockHeld: true,
        locked: current,
        settles: pending.id,
      });
    }
    return current;
  }

  private merge(
    current: CallEntity,
    observation: Observation,
  ): { changes: Partial<CallEntity>; types: CallEventType[] } {
    const { vendor, occurredAt, attempt, verdict } = observation;
    const stale = !!(occurredAt && current.providerObservedAt && occurredAt < current.providerObservedAt);
    const merged = vendor
      ? mergeProviderCall(current, vendor, occurredAt ?? observation.receivedAt, stale)
      : { changes: {}, events: [] as CallEventType[] };
    const changes: Partial<CallEntity> = { ...merged.changes };
    const types: CallEventType[] = [...merged.events];

    if (verdict) {
      const status = nextStatus(changes.status ?? current.status, verdict.status);
      if (status !== (changes.status ?? current.status)) {
        // A verdict is the gateway's own conclusion: no vendor value stands behind its reason.
        Object.assign(changes, { status, endReason: verdict.endReason, providerEndReason: null, error: verdict.error });
        if (!current.endedAt && !changes.endedAt && isTerminal(status))
          Object.assign(changes, { endedAt: observation.receivedAt, endedAtEstimated: true });
        types.push(`call.${status}`);
      }
    }
    const placement = observation.placement;
    if (placement && !current.providerCallId && placement.connectionId !== current.connectionId)
      Object.assign(changes, { connectionId: placement.connectionId, provider: placement.provider });
    if (attempt) {
      changes.attempts = [...current.attempts, attempt];
      if (attempt.outcome !== 'created') types.unshift('call.attempt_failed');
    }
    if (observation.warnings?.length) changes.warnings = [...current.warnings, ...observation.warnings];
    if (occurredAt && !stale && (!current.providerObservedAt || occurredAt > current.providerObservedAt))
      changes.providerObservedAt = occurredAt;
    const read = !!vendor && VENDOR_READS.includes(observation.source);
    if (read) changes.syncedAt = observation.receivedAt;

    const status = changes.status ?? current.status;
    if (isTerminal(status)) {
      // Ended by a webhook or a verdict: read the vendor's full record once, then never again.
      const endedNow = !isTerminal(current.status);
      if (endedNow && !read && vendor)
        changes.reconcileAt = new Date(observation.receivedAt.getTime() + this.settings.finalReadDelayMs);
      else if ((read || !vendor) && current.reconcileAt !== null) changes.reconcileAt = null;
    } else if (vendor || attempt) {
      // Vendor news (or a new attempt) restarts the wait before the reconciler looks.
      changes.reconcileAt = new Date(observation.receivedAt.getTime() + this.settings.reconcileAfterMs);
    }
    return { changes, types };
  }

  private eventsFor(
    call: CallEntity,
    types: CallEventType[],
    previousStatus: string | null,
    observation: Pick<Observation, 'source' | 'receivedAt' | 'vendorEventType' | 'occurredAt'>,
  ): NewEvent[] {
    const snapshot = toCallResponse(call);
    const provider = call.provider
      ? {
          name: call.provider,
          source: observation.source,
          event_type: observation.vendorEventType,
          occurred_at: observation.occurredAt?.toISOString() ?? null,
          received_at: observation.receivedAt.toISOString(),
        }
      : undefined;
    return types.map((type) => ({
      type,
      callId: call.id,
      data: {
        call: snapshot,
        ...(previousStatus ? { previous_status: previousStatus } : {}),
        ...(provider ? { provider } : {}),
      },
    }));
  }
}
