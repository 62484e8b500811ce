import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutageState } from './outage-state';
import { onFailure, onQuietCheck, onSuccess } from './outage-state';

const rules = { summaryEveryMs: 30_000, quietMs: 10_000 };

describe('outage state', () => {
  it('notes the first failure and stays silent for the next ones within the summary interval', () => {
    const first = onFailure(undefined, 0, 'connect ECONNREFUSED', rules);
    assert.deepEqual(first.note, { kind: 'started', message: 'connect ECONNREFUSED' });
    let state: OutageState = first.state;
    for (let t = 1; t < 30_000; t += 7) {
      const next = onFailure(state, t, 'connect ECONNREFUSED', rules);
      assert.equal(next.note, undefined, `a note at ${t} ms`);
      state = next.state;
    }
    assert.equal(state.failures, 1 + Math.ceil(29_999 / 7));
  });

  it('summarises once per interval while failures keep coming, counting those since the last report', () => {
    let state = onFailure(undefined, 0, 'a', rules).state;
    state = onFailure(state, 10_000, 'a', rules).state;
    const summary = onFailure(state, 30_000, 'b', rules);
    assert.deepEqual(summary.note, {
      kind: 'ongoing',
      message: 'b',
      failures: 3,
      forMs: 30_000,
      failuresSinceReport: 2,
    });
    assert.equal(onFailure(summary.state, 59_999, 'b', rules).note, undefined);
    assert.equal(onFailure(summary.state, 60_000, 'b', rules).note?.kind, 'ongoing');
  });

  it('ends at the first success, with how long it lasted and how many failed', () => {
    const state = onFailure(onFailure(undefined, 1_000, 'a', rules).state, 4_000, 'a', rules).state;
    assert.deepEqual(onSuccess(state, 6_000), { kind: 'ended', failures: 2, lastedMs: 5_000 });
    assert.equal(onSuccess(undefined, 6_000), undefined);
  });

  it('ends after a quiet spell, lasting until its last failure, else says when to look again', () => {
    const state = onFailure(onFailure(undefined, 0, 'a', rules).state, 2_000, 'a', rules).state;
    assert.deepEqual(onQuietCheck(state, 5_000, rules), { checkAgainInMs: 7_000 });
    assert.deepEqual(onQuietCheck(state, 12_000, rules), { ended: { kind: 'ended', failures: 2, lastedMs: 2_000 } });
  });
});
