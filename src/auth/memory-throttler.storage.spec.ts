import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe(MemoryThrottlerStorage.name, () => {
  let now = 1_000_000;
  const storage = new MemoryThrottlerStorage(() => now);
  after(() => storage.onApplicationShutdown());

  it('counts hits in a fixed window and blocks past the limit until the block ends', () => {
    for (let i = 1; i <= 3; i++)
      assert.deepEqual(storage.hit('a', 60_000, 3, 60_000), {
        totalHits: i,
        timeToExpire: 60,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    now += 10_000;
    assert.deepEqual(storage.hit('a', 60_000, 3, 60_000), {
      totalHits: 4,
      timeToExpire: 50,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    // The window ends at +60 s, the block at +70 s: a new window does not lift the block.
    now += 55_000;
    assert.equal(storage.hit('a', 60_000, 3, 60_000).isBlocked, true);
    now += 5_001;
    assert.deepEqual(storage.hit('a', 60_000, 3, 60_000), {
      totalHits: 2,
      timeToExpire: 55,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('keeps keys apart', () => {
    assert.equal(storage.hit('b', 1_000, 1, 1_000).totalHits, 1);
    assert.equal(storage.hit('c', 1_000, 1, 1_000).totalHits, 1);
  });
});
