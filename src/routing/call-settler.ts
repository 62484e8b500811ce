import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProviderAdapter, ProviderCall, ProviderError } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { CallAttempt, CallEntity } from '../calls/call.entity';
import { CallsRepository } from '../calls/calls.repository';
import { CallLedger } from '../ledger/call-ledger';
import { Observation } from '../ledger/observation';

/** How far before the gateway's own creation time a vendor's clock may place the same call. */
const LOOKUP_SKEW_MS = 60_000;

export type LookupOutcome =
  | { found: true; call: ProviderCall }
  /** The vendor listed its calls and none can be this one. */
  | { found: false; provable: true }
  /** The vendor could not be asked (no list endpoint, or it failed). */
  | { found: false; provable: false; error?: ProviderError };

/**
 * Settles calls whose state at the vendor is unknown. Vendors echo no reference the gateway
 * can search by, so an unconfirmed create (ambiguous, or interrupted by a crash) is looked
 * up by number and time window among the vendor's recent calls, skipping vendor calls the
 * gateway already knows. The router's failover asks the same question before dialing elsewhere.
 */
@Injectable()
export class CallSettler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly ledger: CallLedger,
  ) {}

  async lookUp(call: CallEntity, adapter: ProviderAdapter): Promise<LookupOutcome> {
    if (!adapter.capabilities.listCalls || !call.connectionId) return { found: false, provable: false };
    let listed: ProviderCall[];
    try {
      listed = await adapter.listCalls({ createdAfter: new Date(call.createdAt.getTime() - LOOKUP_SKEW_MS), limit: 100 });
    } catch (e) {
      if (e instanceof ProviderError) return { found: false, provable: false, error: e };
      throw e;
    }
    const sameNumber = listed.filter((v) => v.to === call.to && (!v.createdAt || Date.parse(v.createdAt) >= call.createdAt.getTime() - LOOKUP_SKEW_MS));
    const byReference = sameNumber.find((v) => Object.values(v.metadata ?? {}).includes(call.id));
    if (byReference) return { found: true, call: byReference };
    const known = await this.calls.knownProviderCallIds(this.dataSource.manager, call.connectionId, sameNumber.map((v) => v.providerCallId), call.id);
    const candidates = sameNumber.filter((v) => !known.has(v.providerCallId));
    // A vendor whose list leaves out the number (KaiCalls) cannot show the call is not there.
    if (!candidates.length) return { found: false, provable: !listed.some((v) => v.to === null) };
    // Closest in time to the gateway's own create.
    const distance = (v: ProviderCall) => (v.createdAt ? Math.abs(Date.parse(v.createdAt) - call.createdAt.getTime()) : Number.MAX_SAFE_INTEGER);
    return { found: true, call: [...candidates].sort((a, b) => distance(a) - distance(b))[0] };
  }

  /**
   * What the vendor said, applied as a reconcile observation. An unconfirmed create found at
   * its vendor also gets the attempt it never recorded: created, its answer lost.
   */
  apply(call: Pick<CallEntity, 'id' | 'connectionId' | 'provider' | 'providerCallId'>, vendor: ProviderCall): Promise<CallEntity> {
    const attempt: CallAttempt | undefined =
      !call.providerCallId && call.connectionId && call.provider
        ? { connection_id: call.connectionId, provider: call.provider, outcome: 'created', error_code: 'answer_lost', at: new Date().toISOString() }
        : undefined;
    return this.record(call.id, { source: 'reconcile', vendorEventType: null, occurredAt: null, receivedAt: new Date(), vendor, ...(attempt ? { attempt } : {}) });
  }

  /** Ends a call the gateway can learn nothing more about, with an explicit reason and its event. */
  settle(callId: string, endReason: 'lost' | 'not_placed', message: string): Promise<CallEntity> {
    return this.record(callId, {
      source: 'reconcile',
      vendorEventType: null,
      occurredAt: null,
      receivedAt: new Date(),
      verdict: { status: 'failed', endReason, error: { code: endReason, message } },
    });
  }

  private record(callId: string, observation: Observation): Promise<CallEntity> {
    return this.dataSource.transaction((tx) => this.ledger.apply(tx, callId, observation));
  }
}
