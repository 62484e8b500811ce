import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isTerminal, ProviderError } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { CallEntity } from '../calls/call.entity';
import { CallRefreshService } from '../calls/call-refresh.service';
import { CallsRepository } from '../calls/calls.repository';
import { OutageLogger } from '../common/outage/outage-logger';
import { ConfigVariables } from '../config/config.variables';
import { isDatabaseUnreachable } from '../database/database-unreachable';
import { CallLedger, providerCallLockKey } from '../ledger/call-ledger';
import { fromWebhook } from '../ledger/observation';
import { ProvidersService } from '../providers/providers.service';
import { externalCall } from '../webhooks-inbound/external-call';
import { InboundWebhooksRepository } from '../webhooks-inbound/inbound-webhooks.repository';
import { CallSettler } from '../ledger/call-settler';

/** Calls looked at per tick, and per connection per tick: the reconciler's share of a vendor's rate budget. */
const BATCH = 50;
const PER_CONNECTION = 2;
/** An unconfirmed create found absent this many times running is settled as never placed. */
const ABSENT_CHECKS_TO_SETTLE = 2;

/**
 * Makes sure no call stays unknown or non-terminal forever, on any number of instances:
 * - calls without vendor news for RECONCILE_AFTER_SECONDS are read from their vendor (a
 *   webhook was lost); a vendor 404 settles them as `lost`;
 * - unconfirmed creates (ambiguous, or interrupted before the vendor answered) are looked up
 *   by number and time; found → applied, absent twice → `not_placed`;
 * - past RECONCILE_GIVE_UP_AFTER_SECONDS whatever is still unknown is settled as `lost`;
 * - webhooks no call claimed within the grace period become calls the gateway did not place.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigVariables,
    private readonly calls: CallsRepository,
    private readonly webhooks: InboundWebhooksRepository,
    private readonly ledger: CallLedger,
    private readonly providers: ProvidersService,
    private readonly refresher: CallRefreshService,
    private readonly settler: CallSettler,
    private readonly outages: OutageLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; overlapping ticks on one instance are skipped rather than stacked. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass()
      .catch((e: unknown) => {
        if (isDatabaseUnreachable(e)) this.outages.failed('database', e);
        else this.logger.warn({ err: (e as Error).message }, 'Reconciler pass failed; retrying next tick');
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = new Date();
    const lease = new Date(now.getTime() + this.config.RECONCILE_AFTER_SECONDS * 1000);
    const due = await this.calls.leaseDue(now, lease, BATCH, PER_CONNECTION);
    this.outages.succeeded('database');
    for (const call of due) {
      await this.reconcile(call, now).catch((e: unknown) => {
        if (isDatabaseUnreachable(e)) this.outages.failed('database', e);
        else
          this.logger.warn(
            { call_id: call.id, err: (e as Error).message },
            'Could not reconcile a call; it is retried after its lease',
          );
      });
    }
    await this.adoptOrphans(new Date(now.getTime() - this.config.RECONCILE_AFTER_SECONDS * 1000));
  }

  private async reconcile(call: CallEntity, now: Date): Promise<void> {
    if (!call.connectionId) return;
    if (isTerminal(call.status)) return this.finalRead(call);
    const tooOld = now.getTime() - call.createdAt.getTime() > this.config.RECONCILE_GIVE_UP_AFTER_SECONDS * 1000;
    const { adapter } = await this.providers.withAdapter(call.connectionId);

    if (call.providerCallId) {
      try {
        const updated = await this.refresher.refresh(await this.settler.recordLostAnswer(call), 'reconcile');
        if (tooOld && !isTerminal(updated.status))
          await this.settler.settle(call.id, 'lost', 'The call never ended at its vendor within the reconcile bound.');
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        if (e.kind === 'not_found')
          await this.settler.settle(call.id, 'lost', 'The vendor has no record of this call.');
        else if (tooOld)
          await this.settler.settle(
            call.id,
            'lost',
            `The vendor could not be asked about this call (${e.kind}) within the reconcile bound.`,
          );
      }
      return;
    }

    const lookup = await this.settler.lookUp(call, adapter);
    if (lookup.found) await this.settler.apply(call, lookup.call);
    else if (lookup.provable && call.reconcileChecks >= ABSENT_CHECKS_TO_SETTLE)
      await this.settler.settle(
        call.id,
        'not_placed',
        'The vendor has no call to this number from the time of the create.',
      );
    else if (tooOld)
      await this.settler.settle(call.id, 'lost', 'The outcome of the create stayed unknown past the reconcile bound.');
  }

  /** A call ended by webhook: one read of the vendor's full record fills what webhooks lack. */
  private async finalRead(call: CallEntity): Promise<void> {
    try {
      if (call.providerCallId) await this.refresher.refresh(call, 'reconcile');
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      this.logger.warn(
        { call_id: call.id, kind: e.kind },
        'Final read of an ended call failed; keeping what webhooks said',
      );
    } finally {
      await this.calls.clearReconcile(call.id);
    }
  }

  /**
   * Webhooks no call claimed: an unconfirmed create to the same number is theirs (its
   * response never arrived); otherwise they reveal a call placed outside the gateway.
   */
  private async adoptOrphans(olderThan: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      for (const orphan of await this.webhooks.claimOrphans(tx, olderThan, BATCH)) {
        const connection = await this.providers.find(orphan.connectionId);
        const { observation } = orphan;
        // The same lock webhook ingest and creates take on this vendor id.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [providerCallLockKey(observation.providerCallId)]);
        const known = await this.calls.idByProviderCallId(tx, connection.id, observation.providerCallId);
        const unconfirmed =
          !known && observation.call.to
            ? await this.calls.unconfirmedIdByNumber(tx, connection.id, observation.call.to)
            : null;
        let callId = known ?? unconfirmed;
        if (!callId) {
          const call = externalCall(connection, observation, orphan.receivedAt);
          await this.ledger.open(tx, call, {
            source: 'webhook',
            vendorEventType: observation.eventType,
            occurredAt: null,
            receivedAt: orphan.receivedAt,
          });
          callId = call.id;
        }
        // Adopting an unconfirmed create also records the attempt its lost answer never did,
        // exactly as a look-up that finds it does (CallSettler.apply).
        const adoption = unconfirmed
          ? {
              attempt: {
                connection_id: connection.id,
                provider: connection.provider,
                outcome: 'created' as const,
                error_code: 'answer_lost',
                at: new Date().toISOString(),
              },
            }
          : {};
        const applied = await this.ledger.apply(
          tx,
          callId,
          { ...fromWebhook(observation, orphan.receivedAt), ...adoption },
          {
            providerCallLockHeld: true,
            settles: orphan.id,
          },
        );
        if (applied.deletedAt) await this.webhooks.settle(tx, orphan.id, 'ignored', callId);
      }
    });
  }
}
