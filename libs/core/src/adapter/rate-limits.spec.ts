import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scopesOf } from './rate-limits';

describe('scopesOf', () => {
  it('counts every request, GETs also as reads', () => {
    assert.deepEqual(scopesOf({ method: 'GET' }), ['requests', 'reads']);
    assert.deepEqual(scopesOf({ method: 'DELETE' }), ['requests']);
    assert.deepEqual(scopesOf({ method: 'POST', operation: 'other' }), ['requests']);
  });

  it('counts operations against their own scope', () => {
    assert.deepEqual(scopesOf({ method: 'POST', operation: 'create_call' }), ['requests', 'calls']);
    assert.deepEqual(scopesOf({ method: 'POST', operation: 'create_agent' }), ['requests', 'agent_creates']);
    assert.deepEqual(scopesOf({ method: 'PATCH', operation: 'update_agent' }), ['requests', 'agent_updates']);
    assert.deepEqual(scopesOf({ method: 'POST', operation: 'control' }), ['requests', 'control']);
  });
});
