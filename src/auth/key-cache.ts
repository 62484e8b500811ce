import type { AuthenticatedKey } from './authenticated-key';

/** How long a verified key is trusted without asking the database again, when no revocation notice comes. */
export const KEY_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Verified keys by their hash, so a request does not look its key up again. Revocation stays
 * immediate because every instance clears this on the revocation NOTIFY (and on a new
 * listening session); the TTL is only the backstop for a notice that never arrives. Unknown
 * keys are never cached: a key created a moment ago must work on the next request.
 * `generation` guards the race of a look-up that started before a clear and ends after it:
 * its answer may predate the revocation, so it is not kept.
 */
export class KeyCache {
  private readonly entries = new Map<string, { key: AuthenticatedKey; expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs = KEY_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): AuthenticatedKey | null {
    const entry = this.entries.get(hash);
    if (!entry) return null;
    if (entry.expiresAt > this.now()) return entry.key;
    this.entries.delete(hash);
    return null;
  }

  /** A token to hand back to `set`: a clear in between makes that `set` a no-op. */
  begin(): number {
    return this.generation;
  }

  set(hash: string, key: AuthenticatedKey, token: number): void {
    if (token !== this.generation) return;
    // A flood of distinct valid keys is not expected; starting over bounds the memory simply.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { key, expiresAt: this.now() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
