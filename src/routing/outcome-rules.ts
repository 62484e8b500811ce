/** What the ledger counts for one connection over the window (see CallsRepository.outcomeStats). */
export interface OutcomeStats {
  /** Outbound calls the vendor accepted that have finished (completed, failed, no_answer, busy). */
  finished: number;
  answered: number;
  failed: number;
  setupLatencyMsP50: number | null;
}

export interface OutcomeSettings {
  windowSeconds: number;
  /** Dial-failure rate (0..1) at or above which a connection is demoted. */
  demoteDialFailureRate: number;
  /** Finished calls needed before the rate may demote: two failures out of three prove little. */
  demoteMinCalls: number;
  cacheMs: number;
}

/** The `health.outcomes` view of a connection. */
export interface OutcomeView {
  window_seconds: number;
  finished: number;
  answer_rate: number | null;
  dial_failure_rate: number | null;
  setup_latency_ms_p50: number | null;
  demoted: boolean;
}

export const NO_OUTCOMES: OutcomeStats = { finished: 0, answered: 0, failed: 0, setupLatencyMsP50: null };

/**
 * Judges a connection on what its calls did, not on what its API answered: a vendor that
 * takes every create with a 2xx and then fails the dials is as bad as one answering 5xx.
 */
export function outcomeView(stats: OutcomeStats, settings: OutcomeSettings): OutcomeView {
  const rate = (n: number) => (stats.finished ? Math.round((n / stats.finished) * 1000) / 1000 : null);
  return {
    window_seconds: settings.windowSeconds,
    finished: stats.finished,
    answer_rate: rate(stats.answered),
    dial_failure_rate: rate(stats.failed),
    setup_latency_ms_p50: stats.setupLatencyMsP50 === null ? null : Math.round(stats.setupLatencyMsP50),
    demoted: isDemoted(stats, settings),
  };
}

export function isDemoted(
  stats: OutcomeStats,
  settings: Pick<OutcomeSettings, 'demoteDialFailureRate' | 'demoteMinCalls'>,
): boolean {
  return stats.finished >= settings.demoteMinCalls && stats.failed / stats.finished >= settings.demoteDialFailureRate;
}
