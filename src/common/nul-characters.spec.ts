import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nulCharacterProblems } from './nul-characters';

describe(nulCharacterProblems.name, () => {
  it('names every field holding a NUL, nested or in arrays, and keys holding one', () => {
    const problems = nulCharacterProblems({
      name: 'a\u0000b',
      to: ['+1555', 'x\u0000'],
      metadata: { plan: '\u0000', ok: 'fine' },
      ['k\u0000']: 1,
    });
    assert.deepEqual(
      problems.map((p) => p.field),
      ['k\\u0000', 'metadata.plan', 'name', 'to[1]'],
    );
  });

  it('names every string and key holding an unpaired surrogate, which jsonb cannot store, and passes paired ones', () => {
    const problems = nulCharacterProblems({
      first_message: '\ud800',
      context: 'ok \udc00 end',
      emoji: 'call \ud83d\udcde',
      metadata: { ['k\ud800']: 'v' },
    });
    assert.deepEqual(problems, [
      { field: 'context', message: 'must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)' },
      { field: 'first_message', message: 'must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)' },
      {
        field: 'metadata.k\\ud800',
        message: 'must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff) in its key',
      },
    ]);
  });

  it('passes clean values and survives deep nesting without recursion', () => {
    assert.deepEqual(nulCharacterProblems({ a: [1, 'x', { b: null }], c: true }), []);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    assert.equal(nulCharacterProblems(deep).length, 1);
  });
});
