/**
 * The channel every event append notifies, inside the appending transaction, so the
 * notification goes out when (and only if) the events commit.
 */
export const EVENTS_CHANNEL = 'switchboard_events';

/**
 * The channel a key revocation notifies (in the revoking statement), so every instance drops
 * its cached keys before the next request. Carries nothing: a listener clears its whole cache.
 */
export const KEYS_CHANNEL = 'switchboard_keys';

/** Every channel an instance listens on. */
export const NOTIFY_CHANNELS = [EVENTS_CHANNEL, KEYS_CHANNEL] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** Injection token of this instance's EventNotifier. */
export const EVENT_NOTIFIER = 'EVENT_NOTIFIER';

/**
 * Wakes listeners when events may have been committed (or keys revoked), by this instance or
 * any other on the same database. A wake-up carries nothing: listeners read the log from
 * where they are, so a lost or coalesced notification delays a reader but never makes it miss
 * an event. A new listening session wakes every listener of every channel, since commits made
 * while nobody listened notified no one.
 */
export interface EventNotifier {
  /** Calls `listener` after commits that notify `channel`; returns the unsubscribe function. */
  subscribe(listener: () => void, channel?: NotifyChannel): () => void;
}

/** The listener sets both implementations share; one throwing listener never starves the rest. */
export class NotifierListeners {
  private readonly listeners = new Map<string, Set<() => void>>(NOTIFY_CHANNELS.map((c) => [c, new Set()]));

  add(listener: () => void, channel: NotifyChannel = EVENTS_CHANNEL): () => void {
    const set = this.listeners.get(channel)!;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** `channel` unknown to this instance: nobody to wake. */
  wake(channel: string): void {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) {
      try {
        listener();
      } catch {
        // A listener's own failure is its business; the others still need waking.
      }
    }
  }

  wakeAll(): void {
    for (const channel of this.listeners.keys()) this.wake(channel);
  }
}
