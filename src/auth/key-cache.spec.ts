import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyCache } from './key-cache';

const key = { id: 'key_1', scopes: ['*'], rateKey: 'key:abc' };

describe(KeyCache.name, () => {
  it('keeps a verified key until its TTL runs out', () => {
    let now = 1_000;
    const cache = new KeyCache(500, () => now);
    cache.set('h', key, cache.begin());
    assert.deepEqual(cache.get('h'), key);
    now += 499;
    assert.deepEqual(cache.get('h'), key);
    now += 1;
    assert.equal(cache.get('h'), null);
  });

  it('forgets everything on clear', () => {
    const cache = new KeyCache();
    cache.set('h', key, cache.begin());
    cache.clear();
    assert.equal(cache.get('h'), null);
  });

  it('drops the answer of a look-up that started before a clear', () => {
    const cache = new KeyCache();
    const token = cache.begin();
    cache.clear();
    cache.set('h', key, token);
    assert.equal(cache.get('h'), null);
    cache.set('h', key, cache.begin());
    assert.deepEqual(cache.get('h'), key);
  });
});
