import { randomBytes } from 'node:crypto';

/**
 * The channel that tells every instance events were committed: notified after the appending
 * commit (src/events/notifier/event-announcer.ts), with the notifying instance's origin.
 */
export const EVENTS_CHANNEL = 'switchboard_events';

/**
 * The channel a key revocation notifies (in the revoking statement), so every instance drops
 * its cached keys before the next request. Carries nothing: a listener clears its whole cache.
 */
export const KEYS_CHANNEL = 'switchboard_keys';

/**
 * The channel a change to an agent, its bindings or a provider connection notifies (in the
 * changing transaction), so every instance drops what a call create cached of it. The payload
 * is the changed row's id (src/call-targets/call-targets.service.ts).
 */
export const CALL_TARGETS_CHANNEL = 'switchboard_call_targets';

/** Every channel an instance listens on. */
export const NOTIFY_CHANNELS = [EVENTS_CHANNEL, KEYS_CHANNEL, CALL_TARGETS_CHANNEL] as const;
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
  /**
   * Calls `listener` after commits that notify `channel`, with the notice's payload; a new
   * listening session calls it without one. Returns the unsubscribe function.
   */
  subscribe(listener: NotifierListener, channel?: NotifyChannel): () => void;
  /**
   * False while no session listens (lost, not yet back): notices sent meanwhile reach no one,
   * so a cache that relies on them must not serve until the next session's wake-up.
   */
  readonly listening: boolean;
  /**
   * The payload of this instance's own event notices. Its listeners were woken when the
   * events committed (`wakeHere`), so the notice's echo does not wake them again.
   */
  readonly origin: string;
  /** Wakes this instance's listeners of EVENTS_CHANNEL now, as a notice of the commit would. */
  wakeHere(): void;
}

/** `payload` is absent when a new session wakes everyone: whatever was missed is unknown. */
export type NotifierListener = (payload?: string) => void;

/** The listener sets both implementations share; one throwing listener never starves the rest. */
export class NotifierListeners {
  private readonly listeners = new Map<string, Set<NotifierListener>>(NOTIFY_CHANNELS.map((c) => [c, new Set()]));
  /** See EventNotifier.origin: one per instance (several gateways in one process each have their own). */
  readonly origin = randomBytes(9).toString('base64url');

  add(listener: NotifierListener, channel: NotifyChannel = EVENTS_CHANNEL): () => void {
    const set = this.listeners.get(channel)!;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** A notice that arrived. `channel` unknown to this instance: nobody to wake. */
  notice(channel: string, payload?: string): void {
    if (channel === EVENTS_CHANNEL && payload === this.origin) return;
    this.wake(channel, payload);
  }

  wake(channel: string, payload?: string): void {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) {
      try {
        listener(payload);
      } catch {
        // A listener's own failure is its business; the others still need waking.
      }
    }
  }

  wakeAll(): void {
    for (const channel of this.listeners.keys()) this.wake(channel);
  }
}
