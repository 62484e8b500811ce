/**
 * What routing asks about a connection's health before trying it. Kept behind a token so
 * the dispatcher does not care where the answers come from (circuit breakers per instance,
 * call outcomes from the ledger).
 */
export interface ConnectionSignals {
  /** Open and not yet due for its half-open probe: skip without sending anything. */
  circuitOpen(connectionId: string): boolean;
  /** Calls it accepts keep failing at the vendor: try it only after the healthy ones. */
  demoted(connectionIds: string[]): Promise<Set<string>>;
}

export const CONNECTION_SIGNALS = Symbol('CONNECTION_SIGNALS');
