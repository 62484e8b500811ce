import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  AgentSpec,
  CapabilityUnsupportedError,
  FieldProblem,
  GatewayError,
  isIdOf,
  newId,
  NotFoundError,
  ValidationFailedError,
} from '@switchboard/core';
import { Repository } from 'typeorm';
import { deepFreeze } from '../call-targets/call-target-cache';
import { CallTarget, CallTargets } from '../call-targets/call-targets.service';
import { ListQueryDto, Page, paginate } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { EntityRows } from '../database/entity-rows';
import { repositoryFor } from '../database/request-database';
import { ConnectionsRepository } from '../providers/connections.repository';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';
import { AgentBindingEntity, AgentEntity } from './agent.entity';
import type { RoutingDefaults } from '../routing/routing-plan';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';
import { ProvisionedVendorAgent, undoProvisioning } from './provisioning-undo';

export interface AgentResponse {
  id: string;
  object: 'agent';
  name: string;
  system_prompt: string | null;
  first_message: string | null;
  voice: string | null;
  model: string | null;
  metadata: Record<string, unknown>;
  routing: RoutingDefaults | null;
  bindings: { connection_id: string; provider: string; provider_agent_id: string; origin: 'linked' | 'provisioned' }[];
  created_at: string;
  updated_at: string;
}

@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly connections: ConnectionsRepository,
    private readonly providers: ProvidersService,
    private readonly targets: CallTargets,
  ) {}

  /** Every write of an agent and its bindings: notified to every instance's call-target cache. */
  private save(agent: AgentEntity, context?: RequestContext): Promise<AgentEntity> {
    return this.targets.change(repositoryFor(this.agents, context).manager, async (tx) => ({
      result: await tx.getRepository(AgentEntity).save(agent),
      changed: [agent.id],
    }));
  }

  async create(dto: CreateAgentDto, origin = 'api', context?: RequestContext): Promise<AgentResponse> {
    const links = dto.bindings ?? [];
    const provision = dto.provision ?? [];
    const connections = await this.loadConnections(
      links.map((b) => b.connection_id),
      provision,
      context,
    );
    const problems: FieldProblem[] = [];
    links.forEach(
      (b, i) =>
        !connections.has(b.connection_id) &&
        problems.push({ field: `bindings[${i}].connection_id`, message: 'no such provider connection' }),
    );
    provision.forEach(
      (id, i) =>
        !connections.has(id) && problems.push({ field: `provision[${i}]`, message: 'no such provider connection' }),
    );
    const all = [...links.map((b) => b.connection_id), ...provision];
    all.forEach(
      (id, i) =>
        all.indexOf(id) !== i && problems.push({ field: 'bindings', message: `connection ${id} is bound twice` }),
    );
    if (problems.length) throw new ValidationFailedError(problems);
    // Refuse impossible provisioning before creating anything anywhere.
    for (const id of provision) {
      const connection = connections.get(id)!;
      if (!this.providers.adapterFor(connection).capabilities.createAgent)
        throw new CapabilityUnsupportedError(connection.provider, 'createAgent');
    }

    const agent = this.agents.create({
      id: newId('agent'),
      name: dto.name,
      systemPrompt: dto.system_prompt ?? null,
      firstMessage: dto.first_message ?? null,
      voice: dto.voice ?? null,
      model: dto.model ?? null,
      metadata: dto.metadata ?? {},
      routing: dto.routing ? { ...dto.routing } : null,
      origin,
      bindings: [],
    });
    for (const link of links) {
      const connection = connections.get(link.connection_id)!;
      agent.bindings.push(this.binding(agent.id, connection, link.provider_agent_id, 'linked'));
    }
    const made: ProvisionedVendorAgent[] = [];
    try {
      for (const id of provision) {
        const connection = connections.get(id)!;
        const created = await this.providers.adapterFor(connection, context).createAgent(specOf(agent));
        made.push({ connection, providerAgentId: created.providerAgentId });
        agent.bindings.push(this.binding(agent.id, connection, created.providerAgentId, 'provisioned'));
      }
      await this.save(agent, context);
    } catch (error) {
      await this.undo(made, error, context);
      throw error;
    }
    return this.get(agent.id, context);
  }

  /** After a failed create: no vendor keeps an agent nobody knows of, or the client and the log are told which. */
  private async undo(made: ProvisionedVendorAgent[], error: unknown, context?: RequestContext): Promise<void> {
    const left = await undoProvisioning(made, (connection) => this.providers.adapterFor(connection, context));
    if (!left.length) return;
    this.logger.warn(
      { request_id: context?.requestId, left_at_vendor: left, err: (error as Error)?.message },
      'Agent provisioning failed; vendor agents were left behind',
    );
    // Only a GatewayError's details reach the client; anything else is a generic 500 and the log is the record.
    if (error instanceof GatewayError) error.details.push(...left.map((agent) => ({ left_at_vendor: agent })));
  }

  async list(query: ListQueryDto): Promise<Page<AgentResponse>> {
    const page = await paginate(
      this.agents.createQueryBuilder('a').leftJoinAndSelect('a.bindings', 'b'),
      query,
      'a.id',
    );
    return { data: page.rows.map(toAgentResponse), has_more: page.has_more, next_cursor: page.next_cursor };
  }

  async get(id: string, context?: RequestContext): Promise<AgentResponse> {
    return toAgentResponse(await this.find(id, context));
  }

  /**
   * What a call create needs: the agent with its bindings, the bound connections, and whether
   * `pinned` (a connection id the request names) exists. The agent is null when there is none.
   * Served from this instance's cache (CallTargets) while no change notice names any of them;
   * what it holds is frozen, and each caller gets its own shallow copies of the connections,
   * which the create path writes back to (WebhookTargets records a new webhook secret there).
   */
  async findForCall(id: string, pinned: string | null, context?: RequestContext): Promise<CallTarget> {
    // Only well-formed ids (no spaces) are cached: a request's malformed agent_id cannot take
    // the key of a real agent and pinned connection, nor fill the cache with garbage.
    const cacheable = isIdOf('agent', id);
    const key = pinned ? `${id} ${pinned}` : id;
    const cache = this.targets.cache;
    let found = cacheable ? cache.get(key) : undefined;
    if (!found) {
      const token = cache.begin();
      found = deepFreeze(await this.readForCall(id, pinned, context));
      const ids = [id, ...(pinned ? [pinned] : []), ...found.connections.map((c) => c.id)];
      if (cacheable) cache.set(key, found, ids, token);
    }
    return {
      agent: found.agent,
      connections: found.connections.map((c) => Object.assign(new ProviderConnectionEntity(), c)),
      pinnedExists: found.pinnedExists,
    };
  }

  /**
   * One statement, hand-written for the create path, where the relation load (two statements)
   * and the separate connection reads were a round trip each.
   */
  private async readForCall(id: string, pinned: string | null, context?: RequestContext): Promise<CallTarget> {
    const [row]: {
      agent: Record<string, unknown> | null;
      bindings: Record<string, unknown>[] | null;
      connections: Record<string, unknown>[] | null;
      pinned_exists: boolean;
    }[] = await repositoryFor(this.agents, context).query(
      `SELECT to_jsonb(a) AS agent,
           (SELECT jsonb_agg(to_jsonb(b)) FROM agent_bindings b WHERE b.agent_id = a.id) AS bindings,
           (SELECT jsonb_agg(to_jsonb(c)) FROM provider_connections c WHERE c.id IN (SELECT connection_id FROM agent_bindings WHERE agent_id = a.id)) AS connections,
           ($2::text IS NOT NULL AND EXISTS (SELECT 1 FROM provider_connections WHERE id = $2)) AS pinned_exists
         FROM (SELECT 1) one LEFT JOIN agents a ON a.id = $1`,
      [isIdOf('agent', id) ? id : null, pinned],
    );
    const rows = this.rows();
    const agent = row.agent ? Object.assign(new AgentEntity(), rows.agent.fromRow(row.agent, true)) : null;
    if (agent)
      agent.bindings = (row.bindings ?? []).map((b) =>
        Object.assign(new AgentBindingEntity(), rows.binding.fromRow(b, true)),
      );
    const connections = (row.connections ?? []).map((c) =>
      Object.assign(new ProviderConnectionEntity(), rows.connection.fromRow(c, true)),
    );
    return { agent, connections, pinnedExists: row.pinned_exists };
  }

  private codecs?: {
    agent: EntityRows<AgentEntity>;
    binding: EntityRows<AgentBindingEntity>;
    connection: EntityRows<ProviderConnectionEntity>;
  };
  private rows() {
    const ds = this.agents.manager.connection;
    return (this.codecs ??= {
      agent: new EntityRows(ds, AgentEntity),
      binding: new EntityRows(ds, AgentBindingEntity),
      connection: new EntityRows(ds, ProviderConnectionEntity),
    });
  }

  async find(id: string, context?: RequestContext): Promise<AgentEntity> {
    const agent = isIdOf('agent', id)
      ? await repositoryFor(this.agents, context).findOne({ where: { id }, relations: { bindings: true } })
      : null;
    if (!agent) throw new NotFoundError('agent', id);
    return agent;
  }

  /** Changes sync to the vendor agents the gateway provisioned; metadata merges. */
  async update(id: string, dto: UpdateAgentDto, context?: RequestContext): Promise<AgentResponse> {
    const agent = await this.find(id, context);
    if (dto.name !== undefined) agent.name = dto.name;
    if (dto.system_prompt !== undefined) agent.systemPrompt = dto.system_prompt;
    if (dto.first_message !== undefined) agent.firstMessage = dto.first_message;
    if (dto.voice !== undefined) agent.voice = dto.voice;
    if (dto.model !== undefined) agent.model = dto.model;
    if (dto.metadata !== undefined) agent.metadata = { ...agent.metadata, ...dto.metadata };
    if (dto.routing !== undefined) agent.routing = dto.routing === null ? null : { ...dto.routing };
    const provisioned = agent.bindings.filter((b) => b.origin === 'provisioned');
    const connections = await this.loadConnections(
      provisioned.map((b) => b.connectionId),
      [],
      context,
    );
    for (const binding of provisioned) {
      const connection = connections.get(binding.connectionId);
      if (!connection) continue;
      const adapter = this.providers.adapterFor(connection, context);
      if (adapter.capabilities.updateAgent) await adapter.updateAgent(binding.providerAgentId, specOf(agent));
    }
    await this.save(agent, context);
    return this.get(id, context);
  }

  async remove(id: string): Promise<void> {
    const agent = await this.find(id);
    await this.targets.change(this.agents.manager, async (tx) => ({
      result: await tx.getRepository(AgentEntity).delete({ id: agent.id }),
      changed: [agent.id],
    }));
  }

  private binding(
    agentId: string,
    connection: ProviderConnectionEntity,
    providerAgentId: string,
    origin: 'linked' | 'provisioned',
  ) {
    const binding = new AgentBindingEntity();
    Object.assign(binding, {
      agentId,
      connectionId: connection.id,
      provider: connection.provider,
      providerAgentId,
      origin,
    });
    return binding;
  }

  private async loadConnections(
    a: string[],
    b: string[],
    context?: RequestContext,
  ): Promise<Map<string, ProviderConnectionEntity>> {
    const ids = [...new Set([...a, ...b])].filter((id) => isIdOf('connection', id));
    const rows = await this.connections.findMany(ids, context);
    return new Map(rows.map((c) => [c.id, c]));
  }
}

export function specOf(agent: AgentEntity): AgentSpec {
  return {
    name: agent.name,
    systemPrompt: agent.systemPrompt,
    firstMessage: agent.firstMessage,
    voice: agent.voice,
    model: agent.model,
    metadata: agent.metadata,
  };
}

export function toAgentResponse(agent: AgentEntity): AgentResponse {
  return {
    id: agent.id,
    object: 'agent',
    name: agent.name,
    system_prompt: agent.systemPrompt,
    first_message: agent.firstMessage,
    voice: agent.voice,
    model: agent.model,
    metadata: agent.metadata,
    routing: agent.routing ?? null,
    bindings: (agent.bindings ?? [])
      .sort(
        (x, y) => x.createdAt?.getTime?.() - y.createdAt?.getTime?.() || x.connectionId.localeCompare(y.connectionId),
      )
      .map((b) => ({
        connection_id: b.connectionId,
        provider: b.provider,
        provider_agent_id: b.providerAgentId,
        origin: b.origin,
      })),
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}
