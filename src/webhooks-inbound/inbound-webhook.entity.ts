import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A verified vendor webhook exactly as received, and what became of it. */
@Entity('inbound_webhooks')
export class InboundWebhookEntity {
  @PrimaryColumn('text') id: string;
  @Column('text', { name: 'connection_id' }) connectionId: string;
  @Column('text') provider: string;
  /** Content-derived: vendor call id, event type, status and vendor time (vendors send no event ids). */
  @Column('text', { name: 'dedup_key' }) dedupKey: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('text', { name: 'provider_call_id', nullable: true }) providerCallId: string | null;
  @Column('timestamptz', { name: 'occurred_at', nullable: true }) occurredAt: Date | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
  /** Secrets and signatures are redacted before storing. */
  @Column('jsonb') headers: Record<string, string>;
  @Column('bytea') body: Buffer;
  @Column('jsonb', { nullable: true }) observation: Record<string, unknown> | null;
  /** `applied`, `pending` (no call matched yet), `ignored` (nothing to apply). */
  @Column('text') state: 'applied' | 'pending' | 'ignored';
  @Column('text', { name: 'call_id', nullable: true }) callId: string | null;
  @Column('timestamptz', { name: 'applied_at', nullable: true }) appliedAt: Date | null;
}
