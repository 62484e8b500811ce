import type { FieldProblem } from '@switchboard/core';
import { isIdOf } from '@switchboard/core';
import { isRegisteredProvider, PROVIDER_NAMES } from '@switchboard/providers';

export const STRATEGIES = ['priority', 'weighted', 'least_cost', 'pinned'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What routing needs to know of a connection; the entity has more, none of it relevant here. */
export interface RoutableConnection {
  id: string;
  provider: string;
  enabled: boolean;
  priority: number;
  weight: number;
  costPerMinute: number | null;
}

export interface RoutingRequest {
  /** A connection id or a provider name (`provider` on the create). */
  provider?: string;
  strategy?: Strategy;
  /** Narrow to these connections (`routing.connections`). */
  connections?: string[];
  failover?: boolean;
}

export interface RoutingDefaults {
  strategy?: Strategy;
  connections?: string[];
  failover?: boolean;
}

export interface Candidate<C extends RoutableConnection = RoutableConnection> {
  connection: C;
  providerAgentId: string;
}

export type Plan<C extends RoutableConnection> =
  | { ok: true; strategy: Strategy; failover: boolean; candidates: Candidate<C>[] }
  | { ok: false; problems: FieldProblem[] }
  /** The agent has bindings, but none that may carry this call (disabled, filtered out). */
  | { ok: false; unavailable: string };

/** `provider` names a connection or a vendor; whether that connection exists is the caller's look-up. */
export function providerFieldProblem(provider: string | undefined): FieldProblem | null {
  if (provider === undefined || isIdOf('connection', provider) || isRegisteredProvider(provider)) return null;
  return { field: 'provider', message: `must be a connection id or one of ${PROVIDER_NAMES.join(', ')}` };
}

/**
 * The connections a call may be placed on, in the order they are tried. The request's own
 * routing wins over the agent's defaults field by field. `pinned` means exactly one
 * connection and no failover. `supports` filters out connections that cannot take the
 * destination (a SIP URI on a vendor without SIP); health (open circuits, spent budgets) is
 * the dispatcher's business, since it changes while the call is being placed.
 */
export function planRoute<C extends RoutableConnection>(input: {
  agentId: string;
  bindings: { connectionId: string; providerAgentId: string }[];
  connections: C[];
  request: RoutingRequest;
  defaults?: RoutingDefaults | null;
  random?: () => number;
}): Plan<C> {
  const { request, defaults } = input;
  const strategy = request.strategy ?? defaults?.strategy ?? 'priority';
  const narrowTo = request.connections?.length ? request.connections : defaults?.connections;
  const byId = new Map(input.connections.map((c) => [c.id, c]));
  let candidates: Candidate<C>[] = input.bindings
    .map((b) => ({ connection: byId.get(b.connectionId), providerAgentId: b.providerAgentId }))
    .filter((c): c is Candidate<C> => !!c.connection && c.connection.enabled);

  if (request.provider !== undefined) {
    candidates = candidates.filter(
      (c) => c.connection.id === request.provider || c.connection.provider === request.provider,
    );
    if (!candidates.length)
      return {
        ok: false,
        problems: [
          { field: 'provider', message: `agent ${input.agentId} has no enabled binding on ${request.provider}` },
        ],
      };
  }
  // A connection the agent is not bound to is the client's mistake (a typo, another agent's
  // connection), not an outage: name it. A bound but disabled one stays "unavailable".
  const bound = new Set(input.bindings.map((b) => b.connectionId));
  const unbound = (request.connections ?? []).flatMap((id, i) =>
    bound.has(id)
      ? []
      : [{ field: `routing.connections[${i}]`, message: `agent ${input.agentId} has no binding on connection ${id}` }],
  );
  if (unbound.length) return { ok: false, problems: unbound };
  if (narrowTo?.length) {
    const allowed = new Set(narrowTo);
    candidates = candidates.filter((c) => allowed.has(c.connection.id));
  }
  if (strategy === 'pinned' && candidates.length !== 1)
    return {
      ok: false,
      problems: [
        {
          field: 'routing.strategy',
          message: `pinned needs exactly one eligible connection (provider or routing.connections); ${candidates.length} match`,
        },
      ],
    };
  if (!candidates.length)
    return { ok: false, unavailable: `Agent ${input.agentId} has no enabled provider connection to call through.` };

  const failover = strategy !== 'pinned' && (request.failover ?? defaults?.failover ?? true);
  return {
    ok: true,
    strategy,
    failover,
    candidates: orderCandidates(candidates, strategy, input.random ?? Math.random),
  };
}

/**
 * `priority`: lowest number first; `least_cost`: cheapest per minute first (unknown cost
 * last); `weighted`: a weighted draw without replacement, so the fallback order is weighted
 * too. Ties fall back to priority, then id, so the order is stable.
 */
export function orderCandidates<T extends { connection: RoutableConnection }>(
  candidates: T[],
  strategy: Strategy,
  random: () => number,
): T[] {
  const byPriority = [...candidates].sort(
    (a, b) => a.connection.priority - b.connection.priority || a.connection.id.localeCompare(b.connection.id),
  );
  if (strategy === 'least_cost')
    return byPriority.sort(
      (a, b) => (a.connection.costPerMinute ?? Infinity) - (b.connection.costPerMinute ?? Infinity),
    );
  if (strategy !== 'weighted') return byPriority;
  const pool = byPriority.filter((c) => c.connection.weight > 0);
  const ordered: T[] = [];
  while (pool.length) {
    const total = pool.reduce((sum, c) => sum + c.connection.weight, 0);
    let roll = random() * total;
    const found = pool.findIndex((c) => (roll -= c.connection.weight) < 0);
    // Rounding can leave the roll a hair above the total: that is the last one.
    ordered.push(...pool.splice(found === -1 ? pool.length - 1 : found, 1));
  }
  // Weight 0 means "only when nothing else can": tried last, by priority.
  return [...ordered, ...byPriority.filter((c) => c.connection.weight <= 0)];
}

/** Connections whose calls keep failing at the vendor go after the healthy ones, in order. */
export function demoteUnhealthy<T extends { connection: RoutableConnection }>(
  ordered: T[],
  demoted: (connectionId: string) => boolean,
): T[] {
  return [...ordered.filter((c) => !demoted(c.connection.id)), ...ordered.filter((c) => demoted(c.connection.id))];
}
