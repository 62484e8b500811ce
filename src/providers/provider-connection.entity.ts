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
  @Column('numeric', { name: 'cost_per_minute', nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  costPerMinute: number | null;
  @Column('jsonb', { name: 'rate_limits' }) rateLimits: Record<string, unknown>;
  @Column('boolean') enabled: boolean;
  /** `api`, or `sandbox` for the simulated vendors' connections. */
  @Column('text') origin: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
