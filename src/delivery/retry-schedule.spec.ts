import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_RETRY_SCHEDULE_SECONDS, nextAttemptAt, parseRetryAfter, parseRetrySchedule } from './retry-schedule';

describe('nextAttemptAt', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const middle = () => 0.5;
  const at = (made: number, retryAfterMs: number | null = null, random = middle) =>
    nextAttemptAt(CONTRACT_RETRY_SCHEDULE_SECONDS, made, now, retryAfterMs, random);
  const inSeconds = (d: Date | null) => (d === null ? null : (d.getTime() - now.getTime()) / 1000);

  it('follows the contract: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then nothing', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => inSeconds(at(n))),
      [0, 5, 300, 1800, 7200, 18000, 36000, 36000, null],
    );
  });

  it('jitters each wait within ±10 %', () => {
    assert.equal(inSeconds(at(2, null, () => 0)), 270);
    assert.equal(inSeconds(at(2, null, () => 0.999999)), 330);
  });

  it("waits at least as long as the consumer's Retry-After, but no longer than 10 h", () => {
    assert.equal(inSeconds(at(1, 120_000)), 120);
    assert.equal(inSeconds(at(3, 1000)), 1800, 'a shorter Retry-After does not hurry the schedule');
    assert.equal(inSeconds(at(1, 365 * 86400_000)), 36000);
  });

  it('honours Retry-After beyond the steps of a shortened schedule', () => {
    assert.equal(nextAttemptAt([0, 1, 1], 1, now, 2000, middle)?.getTime(), now.getTime() + 2000);
  });

  it('ends a shortened test schedule after its last entry', () => {
    assert.equal(nextAttemptAt([0, 1, 1], 2, now, null, middle)?.getTime(), now.getTime() + 1000);
    assert.equal(nextAttemptAt([0, 1, 1], 3, now), null);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, and ignores junk', () => {
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});

describe('parseRetrySchedule', () => {
  it('takes whole seconds separated by commas and refuses anything else', () => {
    assert.deepEqual(parseRetrySchedule('0, 1,1'), [0, 1, 1]);
    assert.equal(parseRetrySchedule('0,-1'), null);
    assert.equal(parseRetrySchedule('0,1.5'), null);
    assert.equal(parseRetrySchedule(''), null);
  });
});
