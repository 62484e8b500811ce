import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import { ListQueryDto, paginate } from '../common/pagination';
import { ProviderConnectionEntity, SyncState } from './provider-connection.entity';

/** The only code that touches `provider_connections`. */
@Injectable()
export class ConnectionsRepository {
  constructor(
    @InjectRepository(ProviderConnectionEntity) private readonly rows: Repository<ProviderConnectionEntity>,
  ) {}

  build(fields: Partial<ProviderConnectionEntity>): ProviderConnectionEntity {
    return this.rows.create(fields);
  }

  find(id: string): Promise<ProviderConnectionEntity | null> {
    return this.rows.findOneBy({ id });
  }

  findMany(ids: string[]): Promise<ProviderConnectionEntity[]> {
    return ids.length ? this.rows.findBy({ id: In(ids) }) : Promise.resolve([]);
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

  save(connection: ProviderConnectionEntity): Promise<ProviderConnectionEntity> {
    return this.rows.save(connection);
  }

  async update(id: string, fields: Partial<Pick<ProviderConnectionEntity, 'enabled'>>): Promise<void> {
    await this.rows.update({ id }, fields);
  }

  async disableSandbox(): Promise<void> {
    await this.rows.update({ origin: 'sandbox' }, { enabled: false });
  }

  async delete(id: string): Promise<void> {
    await this.rows.delete({ id });
  }

  async setSyncState(id: string, state: SyncState): Promise<void> {
    await this.rows.update({ id }, { syncState: state });
  }

  /** First writer wins, so instances that race to create a connection's secret agree on one. */
  async setWebhookSecretIfUnset(id: string, encrypted: string): Promise<string> {
    await this.rows.update({ id, webhookSecretEncrypted: IsNull() }, { webhookSecretEncrypted: encrypted });
    const row = await this.rows.findOne({ select: { id: true, webhookSecretEncrypted: true }, where: { id } });
    return row!.webhookSecretEncrypted!;
  }

  async setWebhookRegistration(
    id: string,
    encryptedSecret: string,
    registration: ProviderConnectionEntity['webhookRegistration'],
  ): Promise<void> {
    await this.rows.update({ id }, { webhookSecretEncrypted: encryptedSecret, webhookRegistration: registration });
  }
}
