export interface CallTargetCacheOptions {
  /** How long an entry is served without a change notice; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  /** Whether change notices are reaching this instance now (the notifier's listening session). */
  live: () => boolean;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  /** The ids whose change makes this entry wrong: the agent's, the pinned connection's, the bound connections'. */
  ids: readonly string[];
  expiresAt: number;
}

/**
 * What a call create read for an agent (or, in CallTargets.connections, what webhook ingest
 * read of a connection), by key, until a change notice names one of the entry's ids, its TTL
 * runs out, or notices stop arriving. Absent agents and connections are entries too: the
 * notice of their creation names their id.
 *
 * `generation` guards the race of a read that started before a change and ends after its
 * notice: its answer may predate the change, so `set` drops it. One counter for every id,
 * because a read does not know which connections it will find until it ends; a notice during
 * a read costs that read its store, nothing more.
 *
 * Bounded by `maxEntries`, least recently used first out (a Map keeps insertion order, and a
 * hit re-inserts its key).
 */
export class CallTargetCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly options: CallTargetCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    if (!this.options.live()) {
      // Notices sent now reach no one: forget everything, and serve nothing until they do again.
      if (this.entries.size) this.clear();
      return undefined;
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** A token to hand back to `set`: a change notice in between makes that `set` a no-op. */
  begin(): number {
    return this.generation;
  }

  set(key: string, value: V, ids: readonly string[], token: number): void {
    if (token !== this.generation || this.options.ttlMs <= 0 || !this.options.live()) return;
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, ids, expiresAt: this.now() + this.options.ttlMs });
  }

  /** Drops every entry naming one of `ids`. */
  forget(ids: readonly string[]): void {
    this.generation++;
    if (!ids.length) return;
    for (const [key, entry] of this.entries) if (entry.ids.some((id) => ids.includes(id))) this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

/** What the cache holds is shared by every request this instance serves: nothing may change it in place. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
