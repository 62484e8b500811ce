import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One account at one vendor. Credentials are stored only encrypted (CredentialCipher). */
@Entity('provider_connections')
export class ProviderConnectionEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') provider: string;
  @Column('text') name: string;
  @Column('text', { name: 'credentials_encrypted' }) credentialsEncrypted: string;
  /** Bumped on every credential change, so cached adapters are rebuilt. */
  @Column('integer', { name: 'credentials_version' }) credentialsVersion: number;
  @Column('text', { name: 'base_url', nullable: true }) baseUrl: string | null;
  @Column('jsonb') defaults: Record<string, string>;
  @Column('integer') priority: number;
  @Column('integer') weight: number;
  @Column('numeric', {
    name: 'cost_per_minute',
    nullable: true,
    transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) },
  })
  costPerMinute: number | null;
  @Column('jsonb', { name: 'rate_limits' }) rateLimits: Record<string, unknown>;
  @Column('boolean') enabled: boolean;
  /** The secret the vendor's webhooks are checked against (encrypted like the credentials). */
  @Column('text', { name: 'webhook_secret_encrypted', nullable: true }) webhookSecretEncrypted: string | null;
  /** For vendors that register webhooks per account: the URL registered and the vendor's id. */
  @Column('jsonb', { name: 'webhook_registration', nullable: true }) webhookRegistration: {
    url: string;
    base_url: string | null;
    provider_registration_id: string | null;
    at: string;
  } | null;
  /** The last history import (POST /v1/providers/:id/sync), as shown to clients. */
  @Column('jsonb', { name: 'sync_state', nullable: true }) syncState: SyncState | null;
  /** `api`, or `sandbox` for the simulated vendors' connections. */
  @Column('text') origin: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export interface SyncState {
  status: 'running' | 'succeeded' | 'failed';
  since: string | null;
  started_at: string;
  finished_at: string | null;
  /** Vendor pages and calls read, new calls imported, calls the gateway already had. */
  pages: number;
  read: number;
  imported: number;
  matched: number;
  error: string | null;
}
