import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GatewayError } from '@switchboard/core';
import { Repository } from 'typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

export const IDEMPOTENCY_WINDOW_HOURS = 24;

export type Begin = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency-Key bookkeeping in Postgres, so every instance sees the same keys. A key is
 * claimed with one INSERT … ON CONFLICT DO NOTHING: exactly one of several concurrent
 * requests wins; the others see it in progress.
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectRepository(IdempotencyKeyEntity) private readonly keys: Repository<IdempotencyKeyEntity>) {}

  async begin(apiKeyId: string, key: string, requestHash: string): Promise<Begin> {
    // An expired key is free again.
    await this.keys.query(`DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND created_at < now() - make_interval(hours => $3)`, [
      apiKeyId,
      key,
      IDEMPOTENCY_WINDOW_HOURS,
    ]);
    const claimed = await this.keys.query(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT DO NOTHING RETURNING key`,
      [apiKeyId, key, requestHash],
    );
    if (claimed.length) return { kind: 'new' };
    const row = await this.keys.findOneBy({ apiKeyId, key });
    if (!row) return this.begin(apiKeyId, key, requestHash);
    if (row.requestHash !== requestHash)
      throw new GatewayError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key for a new request.');
    if (row.state === 'in_progress')
      throw new GatewayError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody };
  }

  async complete(apiKeyId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.keys.update({ apiKeyId, key }, { state: 'done', responseStatus: status, responseBody: (body ?? null) as object });
  }

  /** Nothing happened (the request was refused before acting): the key may be used again. */
  async release(apiKeyId: string, key: string): Promise<void> {
    await this.keys.delete({ apiKeyId, key, state: 'in_progress' });
  }
}
