import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GatewayError } from '@switchboard/core';
import { EntityManager, Repository } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { preparedQuery } from '../database/pooled-query';
import { repositoryFor } from '../database/request-database';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { ConfigVariables } from '../config/config.variables';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

export const IDEMPOTENCY_WINDOW_HOURS = 24;

/** A key this request holds; `resume` is set when it took over from a request that died. */
export interface IdempotencyClaim {
  owner: string;
  key: string;
  /** Calls the earlier request stored, by batch index: resume them instead of dialing again. */
  resume: Record<string, string> | null;
  /** The status the request answers with when it succeeds (the gate's). */
  successStatus: number;
  /**
   * Set by a handler that stored its success response on the key itself, in the statement of
   * its last write (completeCte): the gate then has nothing left to write.
   */
  completed?: boolean;
}

export type Begin =
  | { kind: 'new' }
  | { kind: 'resume'; callIds: Record<string, string> }
  | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency-Key bookkeeping in Postgres, so every instance sees the same keys. A key is
 * claimed with one INSERT … ON CONFLICT DO NOTHING: exactly one of several concurrent
 * requests wins; the others see it in progress. The winner holds a lease it renews while it
 * runs; a request whose instance died stops renewing, and once the lease has run out the
 * next retry takes the key over (one UPDATE, so again only one wins) and resumes its work.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly keys: Repository<IdempotencyKeyEntity>,
    @Inject(ConfigVariables) private readonly config: ConfigVariables,
    private readonly cipher: CredentialCipher,
  ) {}

  get leaseMs(): number {
    return this.config.IDEMPOTENCY_LEASE_SECONDS * 1000;
  }

  async begin(apiKeyId: string, key: string, requestHash: string, context?: RequestContext): Promise<Begin> {
    const keys = repositoryFor(this.keys, context);
    // One statement: a new key, or an expired one taken over as new (the conflict's row is
    // locked, so of two requests racing for an expired key one claims it and the other then
    // finds it fresh and in progress).
    const claimed = await preparedQuery(
      keys.manager,
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, state, lease_until)
       VALUES ($1, $2, $3, 'in_progress', now() + make_interval(secs => $4))
       ON CONFLICT (api_key_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = EXCLUDED.state,
         lease_until = EXCLUDED.lease_until, response_status = NULL, response_body = NULL, call_ids = '{}', created_at = now()
       WHERE idempotency_keys.created_at < now() - make_interval(hours => $5)
       RETURNING key`,
      [apiKeyId, key, requestHash, this.config.IDEMPOTENCY_LEASE_SECONDS, IDEMPOTENCY_WINDOW_HOURS],
    );
    if (claimed.length) return { kind: 'new' };
    const row = await keys.findOneBy({ apiKeyId, key });
    if (!row) return this.begin(apiKeyId, key, requestHash, context);
    if (row.requestHash !== requestHash)
      throw new GatewayError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request; use a new key for a new request.',
      );
    if (row.state === 'done')
      return { kind: 'replay', status: row.responseStatus ?? 200, body: this.unseal(row.responseBody) };
    const taken: { call_ids: Record<string, string> }[] = await keys.query(
      `UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $3)
       WHERE api_key_id = $1 AND key = $2 AND state = 'in_progress' AND (lease_until IS NULL OR lease_until < now())
       RETURNING call_ids`,
      [apiKeyId, key, this.config.IDEMPOTENCY_LEASE_SECONDS],
    );
    // TypeORM returns [rows, count] for UPDATE … RETURNING on Postgres.
    const rows = Array.isArray(taken[0]) ? (taken[0] as unknown as { call_ids: Record<string, string> }[]) : taken;
    if (rows.length) return { kind: 'resume', callIds: rows[0].call_ids ?? {} };
    throw new GatewayError(
      'idempotency_in_progress',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
    );
  }

  /** The request is still alive: keep the key from being taken over. */
  async renew(apiKeyId: string, key: string, context?: RequestContext): Promise<void> {
    await repositoryFor(this.keys, context).query(
      `UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $3) WHERE api_key_id = $1 AND key = $2 AND state = 'in_progress'`,
      [apiKeyId, key, this.config.IDEMPOTENCY_LEASE_SECONDS],
    );
  }

  /**
   * A call recorded on the key in `tx`, so a retry after a crash finds it. A create does it
   * inside the statement that stores the call (recordCallCte).
   */
  async recordCall(tx: EntityManager, claim: IdempotencyClaim, index: number, callId: string): Promise<void> {
    const params: unknown[] = [];
    await preparedQuery(tx, `WITH ${this.recordCallCte(claim, index, callId, params)} SELECT 1`, params);
  }

  /** `recordCall` as a CTE over `params`, for the statement that inserts the call (CallLedger.open). */
  recordCallCte(claim: IdempotencyClaim, index: number, callId: string, params: unknown[]): string {
    const [owner, key, at, id] = [claim.owner, claim.key, String(index), callId].map((v) => `$${params.push(v)}`);
    return `key_recorded AS (UPDATE idempotency_keys SET call_ids = call_ids || jsonb_build_object(${at}::text, ${id}::text) WHERE api_key_id = ${owner} AND key = ${key} RETURNING 1)`;
  }

  /**
   * `complete` with the claim's success status, as a CTE over `params` that writes only when
   * `gate`, a CTE of the same statement, yields a row: for a create, its vendor answer's
   * conditional update (CallLedger.applyIfUnchanged), so the answer and the key's response
   * are one round trip. The caller sets `claim.completed` once that statement wrote.
   */
  completeCte(claim: IdempotencyClaim, body: unknown, params: unknown[], gate: string): string {
    const [owner, key, status, sealed] = [claim.owner, claim.key, claim.successStatus, this.sealed(body)].map(
      (v) => `$${params.push(v)}`,
    );
    return `key_completed AS (UPDATE idempotency_keys SET state = 'done', response_status = ${status}::integer, response_body = ${sealed}::jsonb, lease_until = NULL WHERE api_key_id = ${owner} AND key = ${key} AND EXISTS (SELECT 1 FROM ${gate}) RETURNING 1)`;
  }

  /**
   * First responses can hold secrets shown once (a new key, a webhook endpoint's signing
   * secret), so they are stored encrypted like provider credentials.
   */
  async complete(
    apiKeyId: string,
    key: string,
    status: number,
    body: unknown,
    context?: RequestContext,
  ): Promise<void> {
    await preparedQuery(
      repositoryFor(this.keys, context).manager,
      `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4::jsonb, lease_until = NULL
       WHERE api_key_id = $1 AND key = $2`,
      [apiKeyId, key, status, this.sealed(body)],
    );
  }

  private sealed(body: unknown): string {
    return JSON.stringify({ sealed: this.cipher.encryptJson(body ?? null) });
  }

  private unseal(stored: unknown): unknown {
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    // Rows stored before responses were sealed are plain JSON.
    return typeof sealed === 'string' ? this.cipher.decryptJson(sealed) : stored;
  }

  /** Nothing happened (the request was refused before acting): the key may be used again. */
  async release(apiKeyId: string, key: string, context?: RequestContext): Promise<void> {
    await repositoryFor(this.keys, context).delete({ apiKeyId, key, state: 'in_progress' });
  }
}
