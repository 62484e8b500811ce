import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isTerminal, ProviderAdapter, ProviderCall, ProviderError } from '@switchboard/core';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { CallAttempt, CallEntity } from '../calls/call.entity';
import { CallsRepository } from '../calls/calls.repository';
import { ConfigVariables } from '../config/config.variables';
import type { RequestContext } from '../common/request-context';
import { databaseFor } from '../database/request-database';
import { CallLedger } from './call-ledger';
import { Observation, ObservationSource, settledVerdict, SettledReason } from './observation';
import { createInFlight } from './stranded-rules';

/** How far before the gateway's own creation time a vendor's clock may place the same call. */
const LOOKUP_SKEW_MS = 60_000;

export type LookupOutcome =
  | { found: true; call: ProviderCall }
  /** The vendor listed its calls and none can be this one. */
  | { found: false; provable: true }
  /** The vendor could not be asked (no list endpoint, or it failed). */
  | { found: false; provable: false; error?: ProviderError };

/** Two look-ups a moment apart: `absent` only when both missed and both could tell. */
export type TwiceLookup = { state: 'found'; vendor: ProviderCall } | { state: 'absent' } | { state: 'unknown' };

/**
 * Settles calls whose state at the vendor is unknown. Vendors echo no reference the gateway
 * can search by, so an unconfirmed create (ambiguous, or interrupted by a crash) is looked
 * up by number and time window among the vendor's recent calls, skipping vendor calls the
 * gateway already knows. The router's failover asks the same question before dialing elsewhere;
 * cancel, delete and provider deletion ask it (`recheck`) of calls that may be stranded.
 */
@Injectable()
export class CallSettler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly ledger: CallLedger,
    private readonly config: ConfigVariables,
  ) {}

  async lookUp(call: CallEntity, adapter: ProviderAdapter, context?: RequestContext): Promise<LookupOutcome> {
    if (!adapter.capabilities.listCalls || !call.connectionId) return { found: false, provable: false };
    let listed: ProviderCall[];
    try {
      listed = await adapter.listCalls({
        createdAfter: new Date(call.createdAt.getTime() - LOOKUP_SKEW_MS),
        limit: 100,
      });
    } catch (e) {
      if (e instanceof ProviderError) return { found: false, provable: false, error: e };
      throw e;
    }
    const sameNumber = listed.filter(
      (v) => v.to === call.to && (!v.createdAt || Date.parse(v.createdAt) >= call.createdAt.getTime() - LOOKUP_SKEW_MS),
    );
    const byReference = sameNumber.find((v) => Object.values(v.metadata ?? {}).includes(call.id));
    if (byReference) return { found: true, call: byReference };
    const known = await this.calls.knownProviderCallIds(
      databaseFor(this.dataSource, context).manager,
      call.connectionId,
      sameNumber.map((v) => v.providerCallId),
      call.id,
    );
    const candidates = sameNumber.filter((v) => !known.has(v.providerCallId));
    // A vendor whose list leaves out the number (KaiCalls) cannot show the call is not there.
    if (!candidates.length) return { found: false, provable: !listed.some((v) => v.to === null) };
    // Closest in time to the gateway's own create.
    const distance = (v: ProviderCall) =>
      v.createdAt ? Math.abs(Date.parse(v.createdAt) - call.createdAt.getTime()) : Number.MAX_SAFE_INTEGER;
    return { found: true, call: [...candidates].sort((a, b) => distance(a) - distance(b))[0] };
  }

  /**
   * What the vendor said, applied as a reconcile observation. An unconfirmed create found at
   * its vendor also gets the attempt it never recorded: created, its answer lost.
   */
  apply(
    call: Pick<CallEntity, 'id' | 'connectionId' | 'provider' | 'providerCallId'>,
    vendor: ProviderCall,
    context?: RequestContext,
  ): Promise<CallEntity> {
    const attempt: CallAttempt | undefined =
      !call.providerCallId && call.connectionId && call.provider
        ? {
            connection_id: call.connectionId,
            provider: call.provider,
            outcome: 'created',
            error_code: 'answer_lost',
            at: new Date().toISOString(),
          }
        : undefined;
    return this.record(
      call.id,
      {
        source: 'reconcile',
        vendorEventType: null,
        occurredAt: null,
        receivedAt: new Date(),
        vendor,
        ...(attempt ? { attempt } : {}),
      },
      context,
    );
  }

  /**
   * A create that died after its vendor placed the call may still be confirmed by a webhook
   * echoing the gateway's id, which sets the vendor id but records no attempt (the create
   * might still be running then). Once the create is known to be over (a retry resumed it,
   * or the reconciler got to it), the attempt it never recorded is added: created, answer lost.
   */
  async recordLostAnswer(call: CallEntity, context?: RequestContext): Promise<CallEntity> {
    const placedThere = call.attempts.some((a) => a.outcome === 'created' && a.connection_id === call.connectionId);
    // Only the gateway's own creates carry an agent; calls learned from a vendor have none.
    if (!call.agentId || !call.providerCallId || !call.connectionId || !call.provider || placedThere) return call;
    const attempt: CallAttempt = {
      connection_id: call.connectionId,
      provider: call.provider,
      outcome: 'created',
      error_code: 'answer_lost',
      at: new Date().toISOString(),
    };
    return this.record(
      call.id,
      { source: 'reconcile', vendorEventType: null, occurredAt: null, receivedAt: new Date(), attempt },
      context,
    );
  }

  /**
   * A vendor may list a call a moment after it accepted it, so one miss proves little: the
   * call counts as absent only when two look-ups `pauseMs` apart both miss it.
   */
  async lookUpTwice(
    call: CallEntity,
    adapter: ProviderAdapter,
    pauseMs = this.config.ROUTING_ABSENT_CONFIRM_MS,
    context?: RequestContext,
  ): Promise<TwiceLookup> {
    for (let round = 0; round < 2; round++) {
      if (round) await delay(pauseMs);
      const lookup = await this.lookUp(call, adapter, context);
      if (lookup.found) return { state: 'found', vendor: lookup.call };
      if (!lookup.provable) return { state: 'unknown' };
    }
    return { state: 'absent' };
  }

  /** Ends a call the gateway can learn nothing more about, with an explicit reason and its event. */
  settle(
    callId: string,
    endReason: SettledReason,
    message: string,
    source: ObservationSource = 'reconcile',
    context?: RequestContext,
  ): Promise<CallEntity> {
    const verdict = settledVerdict(endReason, message);
    return this.record(
      callId,
      { source, vendorEventType: null, occurredAt: null, receivedAt: new Date(), verdict },
      context,
    );
  }

  /**
   * Asks the vendor about a live call that may be stranded and settles what the answer
   * proves; the call comes back as it now stands. A confirmed call is read (a vendor 404:
   * `lost`). An unconfirmed one whose create is no longer in flight is looked up twice:
   * found → adopted; provably absent → `absentAs` (`not_placed`, or `canceled` when the
   * client is canceling it). What the vendor cannot answer leaves the call as it was.
   * `endedOnly`: write only what ends the call, so a request refused afterwards (a delete
   * of a call that is still live) has changed nothing.
   */
  async recheck(
    call: CallEntity,
    adapter: ProviderAdapter,
    {
      absentAs,
      endedOnly,
      source = 'poll',
    }: { absentAs: 'not_placed' | 'canceled'; endedOnly: boolean; source?: ObservationSource },
    context?: RequestContext,
  ): Promise<CallEntity> {
    if (isTerminal(call.status)) return call;
    if (call.providerCallId) {
      if (!adapter.capabilities.getCall) return call;
      let vendor: ProviderCall;
      try {
        vendor = await adapter.getCall(call.providerCallId);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        if (e.kind === 'not_found')
          return this.settle(call.id, 'lost', 'The vendor has no record of this call.', source, context);
        return call;
      }
      if (endedOnly && !isTerminal(vendor.status)) return call;
      return this.record(
        call.id,
        { source, vendorEventType: null, occurredAt: null, receivedAt: new Date(), vendor },
        context,
      );
    }
    if (createInFlight(call, new Date(), this.config.RECONCILE_AFTER_SECONDS * 1000)) return call;
    const lookup = await this.lookUpTwice(call, adapter, undefined, context);
    if (lookup.state === 'found')
      return endedOnly && !isTerminal(lookup.vendor.status) ? call : this.apply(call, lookup.vendor, context);
    if (lookup.state === 'absent')
      return this.settle(
        call.id,
        absentAs,
        absentAs === 'canceled'
          ? 'Canceled before any vendor placed the call.'
          : 'The vendor has no call to this number from the time of the create.',
        source,
        context,
      );
    return call;
  }

  private record(callId: string, observation: Observation, context: RequestContext | undefined): Promise<CallEntity> {
    return databaseFor(this.dataSource, context).transaction((tx) => this.ledger.apply(tx, callId, observation));
  }
}
