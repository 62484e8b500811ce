import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitState, ConsecutiveBreaker } from 'cockatiel';
import type { BreakerRules } from './any-of-breaker';
import { AnyOfBreaker, connectionBreaker } from './any-of-breaker';

const RULES: BreakerRules = {
  consecutiveFailures: 5,
  failureRate: 0.5,
  samplingWindowMs: 30_000,
  samplingMinRequests: 10,
};
const { Closed, HalfOpen } = CircuitState;

/** Feeds a pattern (`F` failure, `S` success) to a closed breaker; the index of the first failure that opened it, or -1. */
function feed(sut: AnyOfBreaker, pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === 'S') sut.success(Closed);
    else if (sut.failure(Closed)) return i;
  }
  return -1;
}

describe(AnyOfBreaker.name, () => {
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('opens on the Nth failure in a row', () => {
    assert.equal(feed(connectionBreaker(RULES), 'FFFFF'), 4);
  });

  it('a success between failures starts the run again', () => {
    assert.equal(feed(connectionBreaker(RULES), 'FFFFSFFFF'), -1);
    assert.equal(feed(connectionBreaker(RULES), 'FFFFSFFFFF'), 9);
  });

  it('opens on a failure rate at the threshold once the window holds enough requests, with no long run of failures', () => {
    const sut = connectionBreaker({ ...RULES, consecutiveFailures: 100 });
    // 4 of the first 8 failed: too few requests to judge; the 9th makes it 4 of 9, the 10th 5 of 10.
    assert.equal(feed(sut, 'SFFSFSFS'), -1);
    assert.equal(feed(sut, 'SF'), 1);
  });

  it('stays closed below the threshold', () => {
    const sut = connectionBreaker({ ...RULES, consecutiveFailures: 100 });
    assert.equal(feed(sut, 'SSFSFSFSSF' + 'SFS'.repeat(10)), -1, 'always under half');
  });

  it('never judges the rate on fewer requests than the minimum, even all failed', () => {
    const sut = connectionBreaker({ ...RULES, consecutiveFailures: 100 });
    assert.equal(feed(sut, 'FFFFFFFFF'), -1);
    assert.equal(feed(sut, 'F'), 0);
  });

  it('forgets failures older than the window, by time, however few requests came since', () => {
    const sut = connectionBreaker({ ...RULES, consecutiveFailures: 100 });
    assert.equal(feed(sut, 'FFFFFFFFF'), -1);
    mock.timers.tick(31_000);
    assert.equal(feed(sut, 'SSSSSSSSSF'), -1, 'the nine old failures are gone: 1 of 10');
  });

  it('counts failures still inside the window', () => {
    const sut = connectionBreaker({ ...RULES, consecutiveFailures: 100 });
    assert.equal(feed(sut, 'FFFFFF'), -1);
    mock.timers.tick(20_000);
    assert.equal(feed(sut, 'SSSF'), 3, '7 of 10 within 30 s');
  });

  it('a successful half-open probe clears both rules', () => {
    const sut = connectionBreaker({ ...RULES, consecutiveFailures: 5 });
    feed(sut, 'FFFF');
    sut.success(HalfOpen);
    assert.equal(feed(sut, 'FFFF'), -1, 'the run starts again from zero');
  });

  it('any failure while half-open opens it again', () => {
    assert.equal(connectionBreaker(RULES).failure(HalfOpen), true);
  });

  it('keeps and restores each rule’s state', () => {
    const sut = new AnyOfBreaker([new ConsecutiveBreaker(3), new ConsecutiveBreaker(10)]);
    feed(sut, 'FF');
    const restored = new AnyOfBreaker([new ConsecutiveBreaker(3), new ConsecutiveBreaker(10)]);
    restored.state = sut.state;
    assert.deepEqual(restored.state, [2, 2]);
    assert.equal(restored.failure(Closed), true);
  });
});
