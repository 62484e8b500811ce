import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nulCharacterProblems } from './nul-characters';

describe(nulCharacterProblems.name, () => {
  it('names every field holding a NUL, nested or in arrays, and keys holding one', () => {
    const problems = nulCharacterProblems({ name: 'a\u0000b', to: ['+1555', 'x\u0000'], metadata: { plan: '\u0000', ok: 'fine' }, ['k\u0000']: 1 });
    assert.deepEqual(
      problems.map((p) => p.field),
      ['k\\u0000', 'metadata.plan', 'name', 'to[1]'],
    );
  });

  it('passes clean values and survives deep nesting without recursion', () => {
    assert.deepEqual(nulCharacterProblems({ a: [1, 'x', { b: null }], c: true }), []);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    assert.equal(nulCharacterProblems(deep).length, 1);
  });
});
