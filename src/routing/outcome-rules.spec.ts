import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutcomeSettings } from './outcome-rules';
import { isDemoted, NO_OUTCOMES, outcomeView } from './outcome-rules';

const SETTINGS: OutcomeSettings = {
  windowSeconds: 900,
  demoteDialFailureRate: 0.5,
  demoteMinCalls: 10,
  cacheMs: 5_000,
};

describe(outcomeView.name, () => {
  it('turns counts into rates and the median setup latency', () => {
    assert.deepEqual(outcomeView({ finished: 8, answered: 5, failed: 2, setupLatencyMsP50: 4321.6 }, SETTINGS), {
      window_seconds: 900,
      finished: 8,
      answer_rate: 0.625,
      dial_failure_rate: 0.25,
      setup_latency_ms_p50: 4322,
      demoted: false,
    });
  });

  it('has no rates before any call finished, and is not demoted', () => {
    assert.deepEqual(outcomeView(NO_OUTCOMES, SETTINGS), {
      window_seconds: 900,
      finished: 0,
      answer_rate: null,
      dial_failure_rate: null,
      setup_latency_ms_p50: null,
      demoted: false,
    });
  });
});

describe(isDemoted.name, () => {
  it('demotes at the dial-failure threshold once enough calls finished', () => {
    assert.equal(isDemoted({ finished: 10, answered: 5, failed: 5, setupLatencyMsP50: null }, SETTINGS), true);
    assert.equal(isDemoted({ finished: 10, answered: 6, failed: 4, setupLatencyMsP50: null }, SETTINGS), false);
  });

  it('does not demote on too few calls, however bad', () => {
    assert.equal(isDemoted({ finished: 9, answered: 0, failed: 9, setupLatencyMsP50: null }, SETTINGS), false);
  });

  it('no_answer and busy are not dial failures: many unanswered calls do not demote', () => {
    assert.equal(isDemoted({ finished: 20, answered: 2, failed: 1, setupLatencyMsP50: null }, SETTINGS), false);
  });
});
