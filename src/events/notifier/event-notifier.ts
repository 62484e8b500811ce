/**
 * The channel every event append notifies, inside the appending transaction, so the
 * notification goes out when (and only if) the events commit.
 */
export const EVENTS_CHANNEL = 'switchboard_events';

/** Injection token of this instance's EventNotifier. */
export const EVENT_NOTIFIER = 'EVENT_NOTIFIER';

/**
 * Wakes listeners when events may have been committed, by this instance or any other on the
 * same database. A wake-up carries nothing: listeners read the log from where they are, so
 * a lost or coalesced notification delays a reader but never makes it miss an event.
 */
export interface EventNotifier {
  /** Calls `listener` after commits of new events; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** The listener set both implementations share; one throwing listener never starves the rest. */
export class NotifierListeners {
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  wakeAll(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's own failure is its business; the others still need waking.
      }
    }
  }
}
