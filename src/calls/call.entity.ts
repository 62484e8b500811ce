import { CallErrorCode, CallStatus, CallWarning, EndReason } from '@switchboard/core';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export interface CallAttempt {
  connection_id: string;
  provider: string;
  outcome: 'created' | 'failed' | 'skipped' | 'ambiguous';
  error_code: string | null;
  at: string;
}

const numeric = { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** The gateway's cached copy of a call; the vendor stays the source of call facts. */
@Entity('calls')
export class CallEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') direction: 'outbound' | 'inbound';
  @Column('text') status: CallStatus;
  @Column('text', { name: 'provider_status', nullable: true }) providerStatus: string | null;
  @Column('text', { nullable: true }) provider: string | null;
  @Column('text', { name: 'connection_id', nullable: true }) connectionId: string | null;
  @Column('text', { name: 'provider_call_id', nullable: true }) providerCallId: string | null;
  @Column('text', { name: 'agent_id', nullable: true }) agentId: string | null;
  @Column('text') to: string;
  @Column('text', { nullable: true }) from: string | null;
  @Column('jsonb', { nullable: true }) customer: { name?: string; email?: string } | null;
  @Column('text', { nullable: true }) context: string | null;
  @Column('text', { name: 'first_message', nullable: true }) firstMessage: string | null;
  @Column('jsonb', { nullable: true }) variables: Record<string, string> | null;
  @Column('jsonb') metadata: Record<string, string>;
  @Column('boolean') record: boolean;
  @Column('integer', { name: 'max_duration_seconds', nullable: true }) maxDurationSeconds: number | null;
  @Column('text', { name: 'webhook_url', nullable: true }) webhookUrl: string | null;
  @Column('integer', { name: 'duration_seconds', nullable: true }) durationSeconds: number | null;
  @Column('numeric', { name: 'cost_amount', nullable: true, transformer: numeric }) costAmount: number | null;
  @Column('text', { name: 'cost_currency', nullable: true }) costCurrency: string | null;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { name: 'answered_at', nullable: true }) answeredAt: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt: Date | null;
  /** The gateway's closed vocabulary (libs/core end-reason.ts); null while the call is live. */
  @Column('text', { name: 'end_reason', nullable: true }) endReason: EndReason | null;
  /** The vendor's own value `end_reason` was mapped from; null when the gateway settled the call itself. */
  @Column('text', { name: 'provider_end_reason', nullable: true }) providerEndReason: string | null;
  @Column('jsonb', { nullable: true }) error: { code: CallErrorCode; message: string } | null;
  @Column('text', { name: 'recording_url', nullable: true }) recordingUrl: string | null;
  @Column('text', { nullable: true }) summary: string | null;
  @Column('jsonb', { nullable: true }) transcript: { role: string; text: string; at?: string }[] | null;
  @Column('jsonb', { nullable: true }) analysis: Record<string, unknown> | null;
  @Column('jsonb') attempts: CallAttempt[];
  /** Rows written before warnings named their field hold plain strings. */
  @Column('jsonb') warnings: (CallWarning | string)[];
  @Column('timestamptz', { name: 'synced_at', nullable: true }) syncedAt: Date | null;
  /** The latest vendor time applied: a report older than this is stale and only fills gaps. */
  @Column('timestamptz', { name: 'provider_observed_at', nullable: true }) providerObservedAt: Date | null;
  /** True while `endedAt` is the gateway's estimate (the vendor gave none yet); the vendor's own replaces it. */
  @Column('boolean', { name: 'ended_at_estimated' }) endedAtEstimated: boolean;
  /** When the reconciler should next ask the vendor; null once nothing is left to learn. */
  @Column('timestamptz', { name: 'reconcile_at', nullable: true }) reconcileAt: Date | null;
  @Column('integer', { name: 'reconcile_checks' }) reconcileChecks: number;
  /** Deleted calls stay as tombstones (personal fields blanked) so late webhooks find them. */
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
