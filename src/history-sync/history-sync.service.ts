import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CapabilityUnsupportedError, isIdOf, ProviderCall } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { newCallEntity } from '../calls/call-factory';
import { CallsRepository } from '../calls/calls.repository';
import { CallLedger, providerCallLockKey } from '../ledger/call-ledger';
import { ConnectionsRepository } from '../providers/connections.repository';
import { ProviderConnectionEntity, SyncState } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';

/**
 * Imports a vendor's call history into the gateway (POST /v1/providers/:id/sync). Calls the
 * gateway already has — by vendor id, or by the reference the gateway attached at create —
 * are matched and brought up to date; the others become calls of their own. Each vendor
 * call is applied under the same lock a webhook takes, so a sync, a webhook and another
 * sync of the same call never make two rows of it.
 */
@Injectable()
export class HistorySyncService implements OnApplicationShutdown {
  private readonly logger = new Logger(HistorySyncService.name);
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProvidersService,
    private readonly connections: ConnectionsRepository,
    private readonly calls: CallsRepository,
    private readonly ledger: CallLedger,
  ) {}

  /** Starts an import in the background; a second request while one runs returns the running one. */
  async start(
    connectionId: string,
    since: Date | null,
  ): Promise<SyncState & { object: 'provider_sync'; connection_id: string }> {
    const { connection, adapter } = await this.providers.withAdapter(connectionId);
    if (!adapter.capabilities.listCalls) throw new CapabilityUnsupportedError(connection.provider, 'listCalls');
    if (this.running.has(connection.id) && connection.syncState)
      return { object: 'provider_sync', connection_id: connection.id, ...connection.syncState };
    const state: SyncState = {
      status: 'running',
      since: since?.toISOString() ?? null,
      started_at: new Date().toISOString(),
      finished_at: null,
      pages: 0,
      read: 0,
      imported: 0,
      matched: 0,
      error: null,
    };
    await this.connections.setSyncState(connection.id, state);
    // Background work, answered 202: it is given no request context, so none of its time is the request's.
    const run = this.run(connection, since, state).finally(() => this.running.delete(connection.id));
    this.running.set(connection.id, run);
    return { object: 'provider_sync', connection_id: connection.id, ...state };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(connection: ProviderConnectionEntity, since: Date | null, state: SyncState): Promise<void> {
    try {
      const adapter = this.providers.adapterFor(connection);
      // One vendor page at a time, in the vendor's own pagination; progress is visible after each.
      for await (const page of adapter.listCallHistory({ createdAfter: since ?? undefined })) {
        state.pages++;
        state.read += page.length;
        for (const vendor of page) {
          if ((await this.importOne(connection, vendor)) === 'imported') state.imported++;
          else state.matched++;
        }
        await this.connections.setSyncState(connection.id, state);
      }
      Object.assign(state, { status: 'succeeded', finished_at: new Date().toISOString() });
    } catch (e) {
      this.logger.warn({ connection_id: connection.id, err: (e as Error).message }, 'History sync failed');
      Object.assign(state, {
        status: 'failed',
        finished_at: new Date().toISOString(),
        error: (e as Error).message.slice(0, 300),
      });
    }
    await this.connections.setSyncState(connection.id, state);
  }

  private importOne(connection: ProviderConnectionEntity, vendor: ProviderCall): Promise<'imported' | 'matched'> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [providerCallLockKey(vendor.providerCallId)]);
      const observation = {
        source: 'sync' as const,
        vendorEventType: null,
        occurredAt: null,
        receivedAt: new Date(),
        vendor,
      };
      const known =
        (await this.calls.idByProviderCallId(tx, connection.id, vendor.providerCallId)) ??
        (await this.byReference(connection, vendor));
      if (known) {
        await this.ledger.apply(tx, known, observation, { providerCallLockHeld: true });
        return 'matched';
      }
      const call = newCallEntity(
        {
          direction: vendor.direction,
          provider: connection.provider,
          connectionId: connection.id,
          agentId: null,
          to: vendor.to ?? '',
          from: vendor.from,
        },
        vendor.createdAt ? new Date(vendor.createdAt) : new Date(),
      );
      await this.ledger.open(tx, call, {
        source: 'sync',
        vendorEventType: null,
        occurredAt: null,
        receivedAt: observation.receivedAt,
      });
      await this.ledger.apply(tx, call.id, observation, { providerCallLockHeld: true });
      return 'imported';
    });
  }

  /** A gateway call whose create never learned its vendor id, named in the vendor's metadata. */
  private async byReference(connection: ProviderConnectionEntity, vendor: ProviderCall): Promise<string | null> {
    for (const value of Object.values(vendor.metadata ?? {})) {
      if (typeof value !== 'string' || !isIdOf('call', value)) continue;
      const call = await this.calls.find(value);
      if (call && call.connectionId === connection.id && !call.providerCallId) return call.id;
    }
    return null;
  }
}
