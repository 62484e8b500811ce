import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIdOf, newId } from './ids';

describe('ids', () => {
  it('prefixes ids with their type', () => {
    assert.match(newId('call'), /^call_[0-9a-z]{26}$/);
    assert.match(newId('connection'), /^con_[0-9a-z]{26}$/);
  });

  it('sorts ids by creation time', () => {
    const ids = Array.from({ length: 50 }, () => newId('key'));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('recognises its own kind and refuses other kinds and garbage', () => {
    const id = newId('agent');
    assert.equal(isIdOf('agent', id), true);
    assert.equal(isIdOf('call', id), false);
    assert.equal(isIdOf('agent', 'agt_nope'), false);
    assert.equal(isIdOf('agent', ''), false);
  });
});
