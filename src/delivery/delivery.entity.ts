import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One recorded attempt, as GET /v1/webhook-endpoints/:id/deliveries shows it. */
export interface DeliveryAttempt {
  at: string;
  status_code: number | null;
  latency_ms: number;
  /** The first 500 characters of the consumer's answer. */
  response_snippet: string | null;
  error: string | null;
}

/**
 * One event on its way to one target: a webhook endpoint, or a call's own webhook_url.
 * Written by the outbox (DeliveriesRepository), read and written only through it.
 */
@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryColumn('text') id: string;
  @Column('text', { name: 'event_id' }) eventId: string;
  @Column('bigint', { name: 'event_sequence' }) eventSequence: string;
  @Column('text', { name: 'endpoint_id', nullable: true }) endpointId: string | null;
  @Column('text', { nullable: true }) url: string | null;
  @Column('text') status: DeliveryStatus;
  @Column('integer', { name: 'attempt_count' }) attemptCount: number;
  @Column('jsonb') attempts: DeliveryAttempt[];
  /** When the next attempt is due; while an attempt runs, the end of its lease. */
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  @Column('timestamptz', { name: 'locked_until', nullable: true }) lockedUntil: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt: Date | null;
}
