import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The unified event log. `sequence` is global and gap-tolerant; consumers resume after it. */
@Entity('events')
export class EventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) sequence: string;
  @Column('text', { unique: true }) id: string;
  @Column('text') type: string;
  @Column('text', { name: 'call_id', nullable: true }) callId: string | null;
  @Column('jsonb') data: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
