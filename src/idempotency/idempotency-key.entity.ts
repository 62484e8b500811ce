import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn('text', { name: 'api_key_id' }) apiKeyId: string;
  @PrimaryColumn('text') key: string;
  /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
  @Column('text', { name: 'request_hash' }) requestHash: string;
  @Column('text') state: 'in_progress' | 'done';
  @Column('integer', { name: 'response_status', nullable: true }) responseStatus: number | null;
  @Column('jsonb', { name: 'response_body', nullable: true }) responseBody: unknown;
  /** While in progress: the request is alive until then (it renews); past it, a retry may resume. */
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  /** Calls the request stored, by batch index ("0" for a single `to`). */
  @Column('jsonb', { name: 'call_ids' }) callIds: Record<string, string>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
