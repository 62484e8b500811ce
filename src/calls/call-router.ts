import { Injectable } from '@nestjs/common';
import { FieldProblem, GatewayError, isIdOf, PROVIDER_NAMES, ProviderAdapter, ValidationFailedError } from '@switchboard/core';
import { AgentEntity } from '../agents/agent.entity';
import { ConnectionsRepository } from '../providers/connections.repository';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';
import { CreateCallDto } from './dto/call.dto';

export interface CallTarget {
  connection: ProviderConnectionEntity;
  adapter: ProviderAdapter;
  providerAgentId: string;
}

/**
 * Picks the connection a call is placed on: the agent's enabled bindings, narrowed by
 * `provider` / `routing.connections`, ordered by the strategy. One attempt for now; failover
 * across connections, circuit breakers and rate budgets come with the routing work.
 */
@Injectable()
export class CallRouter {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly providers: ProvidersService,
  ) {}

  /** Problems with `provider` that need no agent, so they are reported with all the others. */
  async problems(dto: CreateCallDto): Promise<FieldProblem[]> {
    const wanted = dto.provider;
    if (wanted === undefined) return [];
    if (!isIdOf('connection', wanted) && !(PROVIDER_NAMES as readonly string[]).includes(wanted))
      return [{ field: 'provider', message: `must be a connection id or one of ${PROVIDER_NAMES.join(', ')}` }];
    if (isIdOf('connection', wanted) && !(await this.connections.exists(wanted)))
      return [{ field: 'provider', message: 'no such provider connection' }];
    return [];
  }

  async choose(agent: AgentEntity, dto: CreateCallDto): Promise<CallTarget> {
    const bound = new Map(agent.bindings.map((b) => [b.connectionId, b]));
    const rows = await this.connections.findMany([...bound.keys()]);
    let candidates = rows.filter((c) => c.enabled);

    if (dto.provider !== undefined) {
      const wanted = dto.provider;
      const problems = await this.problems(dto);
      if (problems.length) throw new ValidationFailedError(problems);
      candidates = candidates.filter((c) => c.id === wanted || c.provider === wanted);
      if (!candidates.length) throw new ValidationFailedError([{ field: 'provider', message: `agent ${agent.id} has no enabled binding on ${wanted}` }]);
    }
    if (dto.routing?.connections?.length) {
      const allowed = new Set(dto.routing.connections);
      candidates = candidates.filter((c) => allowed.has(c.id));
    }
    if (dto.routing?.strategy === 'pinned' && candidates.length !== 1 && dto.provider === undefined)
      throw new ValidationFailedError([{ field: 'routing.strategy', message: 'pinned needs exactly one connection (provider or routing.connections)' }]);
    if (!candidates.length) throw new GatewayError('providers_unavailable', `Agent ${agent.id} has no enabled provider connection to call through.`, []);

    const chosen = order(candidates, dto.routing?.strategy ?? 'priority')[0];
    return { connection: chosen, adapter: this.providers.adapterFor(chosen), providerAgentId: bound.get(chosen.id)!.providerAgentId };
  }
}

function order(candidates: ProviderConnectionEntity[], strategy: string): ProviderConnectionEntity[] {
  const byPriority = [...candidates].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  if (strategy === 'least_cost')
    return byPriority.sort((a, b) => (a.costPerMinute ?? Infinity) - (b.costPerMinute ?? Infinity));
  if (strategy === 'weighted') {
    const total = byPriority.reduce((sum, c) => sum + c.weight, 0);
    let roll = Math.random() * total;
    const pick = byPriority.find((c) => (roll -= c.weight) < 0) ?? byPriority[0];
    return [pick, ...byPriority.filter((c) => c !== pick)];
  }
  return byPriority;
}
