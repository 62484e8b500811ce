import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ForbiddenError, NotFoundError, isIdOf, newId } from '@switchboard/core';
import { IsNull, Repository } from 'typeorm';
import { ConfigVariables } from '../config/config.variables';
import { ListQueryDto, Page, paginate } from '../common/pagination';
import { ApiKeyEntity } from './api-key.entity';
import { AuthenticatedKey } from './authenticated-key';
import { CreateKeyDto } from './dto/create-key.dto';
import { displayPrefix, generateKey, hashKey, isWellFormedKey, KeyMode } from './key-material';
import { scopeBeyond } from './scopes';
import { GatewayMode } from '../config/gateway-mode';

export interface KeyResponse {
  id: string;
  object: 'key';
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  revoked_at: string | null;
}

/** Serialises an advisory lock id for "create the first admin key" across instances. */
const BOOTSTRAP_LOCK = 7_316_001;

@Injectable()
export class KeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(KeysService.name);

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly config: ConfigVariables,
    private readonly mode: GatewayMode,
  ) {}

  /** Resolves a presented key; revoked and unknown keys are both simply not found. */
  async authenticate(presented: string): Promise<AuthenticatedKey | null> {
    if (!isWellFormedKey(presented)) return null;
    const row = await this.keys.findOne({ where: { keyHash: hashKey(presented), revokedAt: IsNull() } });
    return row ? { id: row.id, scopes: row.scopes, rateKey: `key:${row.keyHash.slice(0, 32)}` } : null;
  }

  async create(dto: CreateKeyDto, creator: AuthenticatedKey): Promise<KeyResponse & { key: string }> {
    const beyond = scopeBeyond(creator.scopes, dto.scopes);
    if (beyond) throw new ForbiddenError(beyond);
    const { entity, key } = await this.insert(dto.name, dto.scopes, generateKey(this.keyMode()));
    return { ...toKeyResponse(entity), key };
  }

  async list(query: ListQueryDto): Promise<Page<KeyResponse>> {
    const page = await paginate(this.keys.createQueryBuilder('k'), query);
    return { data: page.rows.map(toKeyResponse), has_more: page.has_more, next_cursor: page.next_cursor };
  }

  async revoke(id: string, revoker: AuthenticatedKey): Promise<void> {
    const row = isIdOf('key', id) ? await this.keys.findOne({ where: { id } }) : null;
    if (!row) throw new NotFoundError('key', id);
    const beyond = scopeBeyond(revoker.scopes, row.scopes);
    if (beyond) throw new ForbiddenError(beyond);
    if (!row.revokedAt) await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /**
   * SWITCHBOARD_ADMIN_KEY is registered (once) as an admin key. Without it, the first start
   * on an empty database makes one and prints it once; later starts find keys and stay quiet.
   * A configured key that was revoked stays revoked (see {@link adminKeyAtStart}).
   */
  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.SWITCHBOARD_ADMIN_KEY;
    await this.keys.manager.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const repo = tx.getRepository(ApiKeyEntity);
      if (configured) {
        const row = await repo.findOneBy({ keyHash: hashKey(configured) });
        const decision = adminKeyAtStart(row);
        if (decision === 'register') await this.insert('admin (SWITCHBOARD_ADMIN_KEY)', ['*'], configured, repo);
        if (decision === 'stays_revoked')
          this.logger.warn(
            `SWITCHBOARD_ADMIN_KEY names key ${row!.id}, revoked at ${row!.revokedAt!.toISOString()}; it stays revoked and cannot be used. ` +
              'To regain admin access, set SWITCHBOARD_ADMIN_KEY to a new key (sk_live_… or sk_test_…, 16+ characters after the prefix) and restart: it is registered as a new * key.',
          );
        return;
      }
      if ((await repo.count()) > 0) return;
      const key = generateKey(this.keyMode());
      await this.insert('admin (generated at first start)', ['*'], key, repo);
      // Deliberately on stdout and not through the logger: it is shown exactly once.
      process.stdout.write(
        `\n  Switchboard admin key (shown once, store it now):\n\n    ${key}\n\n` +
          '  Set SWITCHBOARD_ADMIN_KEY to choose your own instead.\n\n',
      );
      this.logger.log('Generated the first admin key (printed once to stdout).');
    });
  }

  private keyMode(): KeyMode {
    return this.mode.sandbox ? 'test' : 'live';
  }

  private async insert(name: string, scopes: string[], key: string, repo = this.keys) {
    const entity = repo.create({ id: newId('key'), name, scopes, prefix: displayPrefix(key), keyHash: hashKey(key), revokedAt: null });
    await repo.insert(entity);
    return { entity: await repo.findOneByOrFail({ id: entity.id }), key };
  }
}

/**
 * What a start does with SWITCHBOARD_ADMIN_KEY's row. ⚖ A revoked one stays revoked: keys are
 * revoked because they leaked, and a restart (a deploy, a crash, one an attacker provoked)
 * must not bring a leaked key back. The operator recovers by configuring a new key.
 */
export function adminKeyAtStart(row: Pick<ApiKeyEntity, 'revokedAt'> | null): 'register' | 'present' | 'stays_revoked' {
  if (!row) return 'register';
  return row.revokedAt ? 'stays_revoked' : 'present';
}

export function toKeyResponse(row: ApiKeyEntity): KeyResponse {
  return {
    id: row.id,
    object: 'key',
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: row.createdAt.toISOString(),
    revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
