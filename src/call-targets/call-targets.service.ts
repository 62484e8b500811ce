import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AgentEntity } from '../agents/agent.entity';
import type { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ConfigVariables } from '../config/config.variables';
import { CALL_TARGETS_CHANNEL, EVENT_NOTIFIER, EventNotifier } from '../events/notifier/event-notifier';
import { CallTargetCache } from './call-target-cache';

/**
 * What a call create needs of its agent: the agent (null when there is none) with its bindings,
 * the bound connections, and whether the connection the request pins exists.
 */
export interface CallTarget {
  agent: AgentEntity | null;
  connections: ProviderConnectionEntity[];
  pinnedExists: boolean;
}

/** Agents with their connections kept per instance; each holds a few connections, so a few MB at most. */
const MAX_ENTRIES = 2_000;

/**
 * The agents and provider connections call creates read, cached per instance, and the one way
 * to change them: every write to `agents`, `agent_bindings` or `provider_connections` goes
 * through `change`, which notifies the changed ids in the writing transaction (so the notice
 * leaves at commit, and only then). Every instance listens and drops what names those ids;
 * the writing instance drops them itself right after the commit, without waiting for its own
 * notice. A lost listening session drops everything until the next one (see CallTargetCache);
 * AGENT_CACHE_TTL_MS bounds what a change made behind the gateway's back (psql) can leave.
 */
@Injectable()
export class CallTargets implements OnModuleDestroy {
  readonly cache: CallTargetCache<CallTarget>;
  /** Connections by id, as webhook ingest reads them (ConnectionsRepository.findCached), under the same notices. */
  readonly connections: CallTargetCache<ProviderConnectionEntity>;
  private readonly unsubscribe: () => void;

  constructor(config: ConfigVariables, @Inject(EVENT_NOTIFIER) notifier: EventNotifier) {
    const options = { ttlMs: config.AGENT_CACHE_TTL_MS, maxEntries: MAX_ENTRIES, live: () => notifier.listening };
    this.cache = new CallTargetCache<CallTarget>(options);
    this.connections = new CallTargetCache<ProviderConnectionEntity>(options);
    // No payload: a new listening session, which may have missed any notice.
    this.unsubscribe = notifier.subscribe((id) => (id ? this.forget([id]) : this.clear()), CALL_TARGETS_CHANNEL);
  }

  private forget(ids: readonly string[]): void {
    this.cache.forget(ids);
    this.connections.forget(ids);
  }

  private clear(): void {
    this.cache.clear();
    this.connections.clear();
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /**
   * Runs `work` in a transaction that notifies the ids it reports having changed. `work` may
   * learn them only as it writes (a bulk update's RETURNING), hence the callback.
   */
  async change<T>(
    manager: EntityManager,
    work: (tx: EntityManager) => Promise<{ result: T; changed: readonly string[] }>,
  ): Promise<T> {
    let changed: readonly string[] = [];
    try {
      return await manager.transaction(async (tx) => {
        const done = await work(tx);
        changed = done.changed;
        if (changed.length)
          await tx.query('SELECT pg_notify($1, id) FROM unnest($2::text[]) AS id', [CALL_TARGETS_CHANNEL, changed]);
        return done.result;
      });
    } finally {
      // Also when the commit's outcome is unknown (its answer lost): forgetting costs one read.
      this.forget(changed);
    }
  }
}
