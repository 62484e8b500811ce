import type { RoutingDefaults } from '../routing/routing-plan';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A logical agent: one persona, bound to an agent at each vendor it may call through. */
@Entity('agents')
export class AgentEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') name: string;
  @Column('text', { name: 'system_prompt', nullable: true }) systemPrompt: string | null;
  @Column('text', { name: 'first_message', nullable: true }) firstMessage: string | null;
  @Column('text', { nullable: true }) voice: string | null;
  @Column('text', { nullable: true }) model: string | null;
  @Column('jsonb') metadata: Record<string, unknown>;
  @Column('text') origin: string;
  /** Routing defaults for this agent's calls (strategy, connections, failover). */
  @Column('jsonb', { nullable: true }) routing: RoutingDefaults | null;
  @OneToMany(() => AgentBindingEntity, (b) => b.agent, { cascade: true, eager: true })
  bindings: AgentBindingEntity[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('agent_bindings')
export class AgentBindingEntity {
  @PrimaryColumn('text', { name: 'agent_id' }) agentId: string;
  @PrimaryColumn('text', { name: 'connection_id' }) connectionId: string;
  @Column('text') provider: string;
  @Column('text', { name: 'provider_agent_id' }) providerAgentId: string;
  /** `linked` (existing vendor agent) or `provisioned` (created by the gateway, kept in sync). */
  @Column('text') origin: 'linked' | 'provisioned';
  @ManyToOne(() => AgentEntity, (a) => a.bindings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent: AgentEntity;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
