import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isTerminal, NotFoundError, ProviderCall, ProviderError } from '@switchboard/core';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { EventsService } from '../events/events.service';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';
import { CallEntity } from './call.entity';
import { CallEventType, mergeProviderCall } from './call-merge';
import { toCallResponse } from './call-response';

/**
 * A call not re-read from its vendor for this long is refreshed when read (no webhooks yet).
 * One second keeps a client that polls a page of live calls from spending the vendor's rate
 * budget (Klen allows 60 requests a minute).
 */
const REFRESH_AFTER_MS = 1_000;
/** How long a read waits for a vendor refresh before answering from the cache. */
const READ_REFRESH_DEADLINE_MS = 2_000;

/**
 * Keeps the gateway's copy of a call in step with its vendor: every change lands in one
 * transaction together with the unified events it makes (the outbox), and reads refresh
 * stale live calls from the vendor until inbound webhooks do it.
 */
@Injectable()
export class CallSyncService {
  private readonly logger = new Logger(CallSyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProvidersService,
    private readonly events: EventsService,
  ) {}

  /** Applies a vendor view in one transaction with its events (outbox), row-locked. */
  async apply(call: CallEntity, vendor: ProviderCall, extra: Partial<CallEntity> = {}): Promise<CallEntity> {
    return this.dataSource.transaction(async (tx) => {
      const current = await tx.findOne(CallEntity, { where: { id: call.id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('call', call.id);
      const now = new Date();
      const { changes, events, previousStatus } = mergeProviderCall(current, vendor, now);
      const all = { ...changes, ...extra, syncedAt: now, updatedAt: now };
      await tx.update(CallEntity, { id: call.id }, all as QueryDeepPartialEntity<CallEntity>);
      // The row is locked: what was read plus what was written is what is stored.
      const updated = Object.assign(current, all);
      if (events.length) await this.emit(tx, updated, events, previousStatus);
      return updated;
    });
  }

  async emit(tx: EntityManager, call: CallEntity, types: CallEventType[], previousStatus: string | null): Promise<void> {
    const snapshot = toCallResponse(call);
    for (const type of types) {
      await this.events.append(tx, type, call.id, {
        call: snapshot,
        ...(previousStatus && previousStatus !== call.status ? { previous_status: previousStatus } : {}),
        provider: call.provider ? { name: call.provider, event_type: call.providerStatus, received_at: new Date().toISOString() } : undefined,
      });
    }
  }

  /**
   * Reads must not hang on, or fail because of, a slow or broken vendor: past the deadline the
   * cached call is served while the refresh finishes in the background.
   */
  async refreshIfStale(call: CallEntity): Promise<CallEntity> {
    if (isTerminal(call.status) || !call.providerCallId) return call;
    if (call.syncedAt && Date.now() - call.syncedAt.getTime() < REFRESH_AFTER_MS) return call;
    const refreshed = this.refresh(call).catch((e: unknown) => {
      this.logger.warn({ call_id: call.id, err: (e as Error).message }, 'Refresh from the provider failed; serving the cached call');
      return call;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<CallEntity>((resolve) => (timer = setTimeout(() => resolve(call), READ_REFRESH_DEADLINE_MS)));
    try {
      return await Promise.race([refreshed, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }


  async refresh(call: CallEntity): Promise<CallEntity> {
    if (!call.providerCallId || !call.connectionId) return call;
    const { adapter } = await this.providers.withAdapter(call.connectionId);
    if (!adapter.capabilities.getCall) return call;
    return this.apply(call, await adapter.getCall(call.providerCallId));
  }

  /** A create the vendor refused or never answered: the attempt, and for a refusal the failure. */
  async recordFailedAttempt(call: CallEntity, connection: ProviderConnectionEntity, error: ProviderError): Promise<void> {
    const ambiguous = error.kind === 'ambiguous';
    const attempt = { connection_id: connection.id, provider: connection.provider, outcome: ambiguous ? ('ambiguous' as const) : ('failed' as const), error_code: error.vendorCode ?? error.kind, at: new Date().toISOString() };
    await this.dataSource.transaction(async (tx) => {
      const current = await tx.findOneByOrFail(CallEntity, { id: call.id });
      const changes: Partial<CallEntity> = { attempts: [...current.attempts, attempt] };
      // An ambiguous create may have dialed: the call stays queued until it is found or reconciled.
      if (!ambiguous) Object.assign(changes, { status: 'failed', error: { code: 'provider_error', message: error.message }, endReason: 'provider_rejected' });
      await tx.update(CallEntity, { id: call.id }, changes as QueryDeepPartialEntity<CallEntity>);
      const updated = await tx.findOneByOrFail(CallEntity, { id: call.id });
      await this.emit(tx, updated, ambiguous ? ['call.attempt_failed'] : ['call.attempt_failed', 'call.failed'], current.status);
    });
  }
}
