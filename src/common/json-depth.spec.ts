import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nestsDeeperThan } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The depth of a parsed value, the slow obvious way, to check the scanner against. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe(nestsDeeperThan.name, () => {
  it('counts objects and arrays, one level each', () => {
    assert.equal(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 3), false);
    assert.equal(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 2), true);
    assert.equal(nestsDeeperThan(bytes('"just a string"'), 0), false);
    assert.equal(nestsDeeperThan(bytes('{}'), 0), true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    assert.equal(nestsDeeperThan(bytes('{"a":"[[[[{{{{"}'), 1), false);
    assert.equal(nestsDeeperThan(bytes('{"a":"\\"[[[[\\\\"}'), 1), false);
    assert.equal(nestsDeeperThan(bytes('{"a":"\\\\",  "b":[[]]}'), 2), true);
  });

  it('reads multi-byte characters without mistaking them for brackets', () => {
    assert.equal(nestsDeeperThan(bytes('{"ключ":"値[{","emoji":"😀"}'), 1), false);
  });

  it('handles thousands of levels without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.equal(nestsDeeperThan(bytes(deep), 64), true);
    assert.equal(nestsDeeperThan(bytes(deep), 100_000), false);
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat(10), (value, max) => {
        const text = JSON.stringify(value);
        assert.equal(nestsDeeperThan(bytes(text), max), depthOf(JSON.parse(text)) > max, text);
      }),
      { numRuns: 500 },
    );
  });
});
