import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallTargetCacheOptions } from './call-target-cache';
import { CallTargetCache } from './call-target-cache';

function cacheOf(options: Partial<CallTargetCacheOptions> = {}) {
  return new CallTargetCache<string>({ ttlMs: 1_000, maxEntries: 100, live: () => true, ...options });
}

describe(CallTargetCache.name, () => {
  it('serves an entry until its TTL runs out', () => {
    let now = 5_000;
    const cache = cacheOf({ ttlMs: 500, now: () => now });
    cache.set('agent_1', 'v', ['agent_1'], cache.begin());
    now += 499;
    assert.equal(cache.get('agent_1'), 'v');
    now += 1;
    assert.equal(cache.get('agent_1'), undefined);
  });

  it('drops exactly the entries naming a changed id', () => {
    const cache = cacheOf();
    cache.set('agent_1', 'one', ['agent_1', 'connection_a'], cache.begin());
    cache.set('agent_2', 'two', ['agent_2', 'connection_b'], cache.begin());
    cache.set('agent_3 connection_a', 'three', ['agent_3', 'connection_a'], cache.begin());
    cache.forget(['connection_a']);
    assert.equal(cache.get('agent_1'), undefined);
    assert.equal(cache.get('agent_3 connection_a'), undefined);
    assert.equal(cache.get('agent_2'), 'two');
  });

  it('keeps no answer of a read that started before a change notice, whatever id the notice named', () => {
    const cache = cacheOf();
    const token = cache.begin();
    // The read is under way; a notice arrives for a connection the read will turn out to return.
    cache.forget(['connection_a']);
    cache.set('agent_1', 'stale', ['agent_1', 'connection_a'], token);
    assert.equal(cache.get('agent_1'), undefined);
    // A read that starts after the notice is kept.
    cache.set('agent_1', 'fresh', ['agent_1', 'connection_a'], cache.begin());
    assert.equal(cache.get('agent_1'), 'fresh');
  });

  it('keeps no answer of a read that started before a clear', () => {
    const cache = cacheOf();
    const token = cache.begin();
    cache.clear();
    cache.set('agent_1', 'stale', ['agent_1'], token);
    assert.equal(cache.get('agent_1'), undefined);
  });

  it('while notices do not arrive, serves and stores nothing, and forgets what it had', () => {
    let live = true;
    const cache = cacheOf({ live: () => live });
    cache.set('agent_1', 'v', ['agent_1'], cache.begin());
    const before = cache.begin();
    live = false;
    assert.equal(cache.get('agent_1'), undefined);
    assert.equal(cache.size, 0);
    cache.set('agent_2', 'v', ['agent_2'], cache.begin());
    live = true;
    assert.equal(cache.get('agent_2'), undefined, 'stored while deaf');
    cache.set('agent_1', 'v', ['agent_1'], before);
    assert.equal(cache.get('agent_1'), undefined, 'a read from before the loss');
  });

  it('with a TTL of 0 stores nothing', () => {
    const cache = cacheOf({ ttlMs: 0 });
    cache.set('agent_1', 'v', ['agent_1'], cache.begin());
    assert.equal(cache.get('agent_1'), undefined);
    assert.equal(cache.size, 0);
  });

  it('holds at most maxEntries, evicting the least recently used', () => {
    const cache = cacheOf({ maxEntries: 2 });
    cache.set('a', 'A', ['a'], cache.begin());
    cache.set('b', 'B', ['b'], cache.begin());
    assert.equal(cache.get('a'), 'A');
    cache.set('c', 'C', ['c'], cache.begin());
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('c'), 'C');
  });
});
