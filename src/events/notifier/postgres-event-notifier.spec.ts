import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reconnectDelayMs } from './postgres-event-notifier';

describe(reconnectDelayMs.name, () => {
  it('doubles from 100 ms and levels off at 5 s, with the jitter in the upper half', () => {
    const low = [0, 1, 2, 3, 4, 5, 6, 30].map((n) => reconnectDelayMs(n, () => 0));
    const high = [0, 1, 2, 3, 4, 5, 6, 30].map((n) => reconnectDelayMs(n, () => 1));
    assert.deepEqual(high, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    assert.deepEqual(low, [50, 100, 200, 400, 800, 1600, 2500, 2500]);
  });

  it('stays finite for any number of failures', () => {
    assert.equal(
      reconnectDelayMs(10_000, () => 1),
      5000,
    );
  });
});
