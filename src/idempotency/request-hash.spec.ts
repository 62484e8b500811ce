import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, requestHash } from './request-hash';

describe('requestHash', () => {
  it('ignores key order and whitespace, but not values, paths or methods', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    const base = requestHash('POST', '/v1/calls', { to: '+1', agent_id: 'a' });
    assert.equal(requestHash('POST', '/v1/calls', { agent_id: 'a', to: '+1' }), base);
    assert.notEqual(requestHash('POST', '/v1/calls', { agent_id: 'a', to: '+2' }), base);
    assert.notEqual(requestHash('POST', '/v1/keys', { agent_id: 'a', to: '+1' }), base);
  });
});
