import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Not, Repository } from 'typeorm';
import { deepFreeze } from '../call-targets/call-target-cache';
import { CallTargets } from '../call-targets/call-targets.service';
import { ListQueryDto, paginate } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { repositoryFor } from '../database/request-database';
import { ProviderConnectionEntity, SyncState } from './provider-connection.entity';

/**
 * The only code that touches `provider_connections`. Every write goes through
 * CallTargets.change, so every instance's call creates see it at once.
 */
@Injectable()
export class ConnectionsRepository {
  constructor(
    @InjectRepository(ProviderConnectionEntity) private readonly rows: Repository<ProviderConnectionEntity>,
    private readonly targets: CallTargets,
  ) {}

  private change<T>(
    ids: readonly string[],
    work: (rows: Repository<ProviderConnectionEntity>) => Promise<T>,
    context?: RequestContext,
  ) {
    return this.targets.change(repositoryFor(this.rows, context).manager, async (tx: EntityManager) => ({
      result: await work(tx.getRepository(ProviderConnectionEntity)),
      changed: ids,
    }));
  }

  build(fields: Partial<ProviderConnectionEntity>): ProviderConnectionEntity {
    return this.rows.create(fields);
  }

  find(id: string, context?: RequestContext): Promise<ProviderConnectionEntity | null> {
    return repositoryFor(this.rows, context).findOneBy({ id });
  }

  /**
   * `find` served from this instance's cache (CallTargets.connections) while no change notice
   * names the connection: every write to the table goes through `change`, so a disabled,
   * moved or deleted connection, or its new webhook secret, is seen at once. For webhook
   * ingest, which read the row through TypeORM on every webhook. Only found connections are
   * kept (a request naming random ids cannot fill the cache), and each caller gets its own
   * shallow copy of the frozen row.
   */
  async findCached(id: string): Promise<ProviderConnectionEntity | null> {
    const cache = this.targets.connections;
    let found = cache.get(id);
    if (!found) {
      const token = cache.begin();
      const row = await this.find(id);
      if (!row) return null;
      found = deepFreeze(row);
      cache.set(id, found, [id], token);
    }
    return Object.assign(new ProviderConnectionEntity(), found);
  }

  findMany(ids: string[], context?: RequestContext): Promise<ProviderConnectionEntity[]> {
    return ids.length ? repositoryFor(this.rows, context).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  findByOrigin(origin: string): Promise<ProviderConnectionEntity[]> {
    return this.rows.findBy({ origin });
  }

  findSandbox(provider: string): Promise<ProviderConnectionEntity | null> {
    return this.rows.findOneBy({ origin: 'sandbox', provider });
  }

  exists(id: string): Promise<boolean> {
    return this.rows.existsBy({ id });
  }

  /** What `SWITCHBOARD_SANDBOX=auto` weighs: every connection but the simulated vendors' own. */
  modeFacts(): Promise<Pick<ProviderConnectionEntity, 'name' | 'provider' | 'enabled' | 'baseUrl' | 'origin'>[]> {
    return this.rows.find({
      select: { name: true, provider: true, enabled: true, baseUrl: true, origin: true },
      where: { origin: Not('sandbox') },
    });
  }

  page(query: ListQueryDto) {
    return paginate(this.rows.createQueryBuilder('c'), query);
  }

  save(connection: ProviderConnectionEntity, context?: RequestContext): Promise<ProviderConnectionEntity> {
    return this.change([connection.id], (rows) => rows.save(connection), context);
  }

  async update(id: string, fields: Partial<Pick<ProviderConnectionEntity, 'enabled'>>): Promise<void> {
    await this.change([id], (rows) => rows.update({ id }, fields));
  }

  async disableSandbox(): Promise<void> {
    await this.targets.change(this.rows.manager, async (tx) => {
      const { raw } = await tx
        .createQueryBuilder()
        .update(ProviderConnectionEntity)
        .set({ enabled: false })
        .where({ origin: 'sandbox', enabled: true })
        .returning(['id'])
        .execute();
      return { result: undefined, changed: (raw as { id: string }[]).map((r) => r.id) };
    });
  }

  async delete(id: string, context?: RequestContext): Promise<void> {
    // Its bindings go with it (ON DELETE CASCADE): the notice of its id covers the agents bound to it.
    await this.change([id], (rows) => rows.delete({ id }), context);
  }

  /** Not read by call creates, but notified anyway: then no write to the table is ever missed. */
  async setSyncState(id: string, state: SyncState): Promise<void> {
    await this.change([id], (rows) => rows.update({ id }, { syncState: state }));
  }

  /** First writer wins, so instances that race to create a connection's secret agree on one. */
  async setWebhookSecretIfUnset(id: string, encrypted: string): Promise<string> {
    return this.change([id], async (rows) => {
      await rows.update({ id, webhookSecretEncrypted: IsNull() }, { webhookSecretEncrypted: encrypted });
      const row = await rows.findOne({ select: { id: true, webhookSecretEncrypted: true }, where: { id } });
      return row!.webhookSecretEncrypted!;
    });
  }

  async setWebhookRegistration(
    id: string,
    encryptedSecret: string,
    registration: ProviderConnectionEntity['webhookRegistration'],
  ): Promise<void> {
    await this.change([id], (rows) =>
      rows.update({ id }, { webhookSecretEncrypted: encryptedSecret, webhookRegistration: registration }),
    );
  }
}
