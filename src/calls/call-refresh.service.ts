import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallLedger } from '../ledger/call-ledger';
import { ObservationSource } from '../ledger/observation';
import { ProvidersService } from '../providers/providers.service';
import { CallEntity } from './call.entity';

/**
 * Reads a call from its vendor and applies what it says through the ledger. Only on
 * explicit demand (`?refresh=true`, after a cancel or control) and for the reconciler:
 * webhooks keep calls current, so plain reads never spend a vendor's rate budget.
 */
@Injectable()
export class CallRefreshService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProvidersService,
    private readonly ledger: CallLedger,
  ) {}

  async refresh(call: CallEntity, source: ObservationSource = 'poll'): Promise<CallEntity> {
    if (!call.providerCallId || !call.connectionId) return call;
    const { adapter } = await this.providers.withAdapter(call.connectionId);
    if (!adapter.capabilities.getCall) return call;
    const vendor = await adapter.getCall(call.providerCallId);
    const receivedAt = new Date();
    return this.dataSource.transaction((tx) => this.ledger.apply(tx, call.id, { source, vendorEventType: null, occurredAt: null, receivedAt, vendor }));
  }
}
