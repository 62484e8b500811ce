import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A consumer of the unified events. Secrets are stored only encrypted (CredentialCipher). */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') url: string;
  @Column('text', { nullable: true }) description: string | null;
  /** As the client gave them (`call.*` stays `call.*`); empty = every event. */
  @Column('text', { name: 'event_types', array: true }) eventTypes: string[];
  /** The same, expanded to concrete types: what the outbox matches with `= ANY`. */
  @Column('text', { name: 'subscribed_types', array: true }) subscribedTypes: string[];
  @Column('boolean') enabled: boolean;
  /** Why the gateway disabled it (null when enabled, or disabled by a client). */
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  /** Start of the current run of failed attempts (null after any success). */
  @Column('timestamptz', { name: 'failing_since', nullable: true }) failingSince: Date | null;
  @Column('text', { name: 'secret_encrypted' }) secretEncrypted: string;
  /** The secret before the last rotation; deliveries are signed with both until it expires. */
  @Column('text', { name: 'previous_secret_encrypted', nullable: true }) previousSecretEncrypted: string | null;
  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true }) previousSecretExpiresAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
