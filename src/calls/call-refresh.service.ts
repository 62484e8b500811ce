import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProviderError } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { CallLedger } from '../ledger/call-ledger';
import type { RequestContext } from '../common/request-context';
import { databaseFor } from '../database/request-database';
import { CallSettler } from '../ledger/call-settler';
import { ObservationSource } from '../ledger/observation';
import { ProvidersService } from '../providers/providers.service';
import { CallEntity } from './call.entity';

/**
 * Reads a call from its vendor and applies what it says through the ledger. Only on
 * explicit demand (`?refresh=true`, after a cancel or control) and for the reconciler:
 * webhooks keep calls current, so plain reads never spend a vendor's rate budget. A vendor
 * 404 for a call it gave an id to means it no longer knows the call (its records were lost,
 * a sandbox simulator restarted empty): the call is settled as `lost` instead of failing the
 * read, so it has an end and can be deleted.
 */
@Injectable()
export class CallRefreshService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProvidersService,
    private readonly ledger: CallLedger,
    private readonly settler: CallSettler,
  ) {}

  async refresh(call: CallEntity, source: ObservationSource = 'poll', context?: RequestContext): Promise<CallEntity> {
    if (!call.providerCallId || !call.connectionId) return call;
    const { adapter } = await this.providers.withAdapter(call.connectionId, context);
    if (!adapter.capabilities.getCall) return call;
    let vendor;
    try {
      vendor = await adapter.getCall(call.providerCallId);
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found')
        return this.settler.settle(call.id, 'lost', 'The vendor has no record of this call.', source, context);
      throw e;
    }
    const receivedAt = new Date();
    return databaseFor(this.dataSource, context).transaction((tx) =>
      this.ledger.apply(tx, call.id, { source, vendorEventType: null, occurredAt: null, receivedAt, vendor }),
    );
  }
}
