import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ForbiddenError, NotFoundError, isIdOf, newId } from '@switchboard/core';
import { Repository } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { repositoryFor } from '../database/request-database';
import { ConfigVariables } from '../config/config.variables';
import { ListQueryDto, Page, paginate } from '../common/pagination';
import { ApiKeyEntity } from './api-key.entity';
import { AuthenticatedKey } from './authenticated-key';
import { CreateKeyDto } from './dto/create-key.dto';
import { displayPrefix, generateKey, hashKey, isWellFormedKey, KeyMode } from './key-material';
import { scopeBeyond } from './scopes';
import { GatewayMode } from '../config/gateway-mode';
import { EVENT_NOTIFIER, EventNotifier, KEYS_CHANNEL } from '../events/notifier/event-notifier';
import { KeyCache } from './key-cache';

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
export class KeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(KeysService.name);
  private readonly cache = new KeyCache();
  private readonly unsubscribe: () => void;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly config: ConfigVariables,
    private readonly mode: GatewayMode,
    @Inject(EVENT_NOTIFIER) notifier: EventNotifier,
  ) {
    // Any instance's revocation (and a new listening session, which may have missed one) clears every cached key.
    this.unsubscribe = notifier.subscribe(() => this.cache.clear(), KEYS_CHANNEL);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Resolves a presented key; revoked and unknown keys are both simply not found. */
  async authenticate(presented: string, context?: RequestContext): Promise<AuthenticatedKey | null> {
    if (!isWellFormedKey(presented)) return null;
    const keyHash = hashKey(presented);
    return this.cache.get(keyHash) ?? this.lookUp(keyHash, context);
  }

  /**
   * `authenticate` without a promise where no query is needed (every request's guard: the
   * cache's hit, or a malformed key): the key, null for a malformed one, undefined when only
   * the database can tell (then `authenticate`).
   */
  known(presented: string): AuthenticatedKey | null | undefined {
    if (!isWellFormedKey(presented)) return null;
    return this.cache.get(hashKey(presented)) ?? undefined;
  }

  private async lookUp(keyHash: string, context: RequestContext | undefined): Promise<AuthenticatedKey | null> {
    const token = this.cache.begin();
    const rows: { id: string; scopes: string[] }[] = await repositoryFor(this.keys, context).query(
      // Hand-written: the hot path of every request, where TypeORM's generated select cost more than the round trip.
      'SELECT id, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    if (!rows.length) return null;
    const key = { id: rows[0].id, scopes: rows[0].scopes, rateKey: `key:${keyHash.slice(0, 32)}` };
    this.cache.set(keyHash, key, token);
    return key;
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
    if (row.revokedAt) return;
    // The notice rides on the revoking statement and goes out at its commit: every instance
    // (this one included) clears its key cache before it can serve the revoked key again.
    await this.keys.query(
      `WITH revoked AS (UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id)
       SELECT pg_notify($2, '') FROM revoked`,
      [id, KEYS_CHANNEL],
    );
    // This instance's own requests must not wait for the notice's round trip.
    this.cache.clear();
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
    const entity = repo.create({
      id: newId('key'),
      name,
      scopes,
      prefix: displayPrefix(key),
      keyHash: hashKey(key),
      revokedAt: null,
    });
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
