/**
 * The rules of the outage log, apart from clocks and loggers: an outage is logged when it
 * starts, summarised at most once per `summaryEveryMs` while it lasts, and logged once more
 * when it ends (a success was seen, or no failure came for `quietMs`) — never per failure.
 */
export interface OutageState {
  startedAt: number;
  lastFailureAt: number;
  lastReportAt: number;
  /** Failures since the last report. */
  failuresSinceReport: number;
  failures: number;
  lastMessage: string;
}

export type OutageNote =
  | { kind: 'started'; message: string }
  | { kind: 'ongoing'; message: string; failures: number; forMs: number; failuresSinceReport: number }
  | { kind: 'ended'; failures: number; lastedMs: number };

export interface OutageRules {
  summaryEveryMs: number;
  quietMs: number;
}

export function onFailure(
  state: OutageState | undefined,
  now: number,
  message: string,
  rules: OutageRules,
): { state: OutageState; note?: OutageNote } {
  if (!state) {
    return {
      state: {
        startedAt: now,
        lastFailureAt: now,
        lastReportAt: now,
        failuresSinceReport: 0,
        failures: 1,
        lastMessage: message,
      },
      note: { kind: 'started', message },
    };
  }
  const next = {
    ...state,
    lastFailureAt: now,
    failures: state.failures + 1,
    failuresSinceReport: state.failuresSinceReport + 1,
    lastMessage: message,
  };
  if (now - state.lastReportAt < rules.summaryEveryMs) return { state: next };
  const note: OutageNote = {
    kind: 'ongoing',
    message,
    failures: next.failures,
    forMs: now - state.startedAt,
    failuresSinceReport: next.failuresSinceReport,
  };
  return { state: { ...next, lastReportAt: now, failuresSinceReport: 0 }, note };
}

/** A success: whatever outage there was is over. */
export function onSuccess(state: OutageState | undefined, now: number): OutageNote | undefined {
  return state ? { kind: 'ended', failures: state.failures, lastedMs: now - state.startedAt } : undefined;
}

/** The quiet check: over when nothing failed for `quietMs`, else how long until asking again. */
export function onQuietCheck(
  state: OutageState,
  now: number,
  rules: OutageRules,
): { ended: OutageNote } | { checkAgainInMs: number } {
  const quietFor = now - state.lastFailureAt;
  if (quietFor >= rules.quietMs)
    return { ended: { kind: 'ended', failures: state.failures, lastedMs: state.lastFailureAt - state.startedAt } };
  return { checkAgainInMs: rules.quietMs - quietFor };
}
