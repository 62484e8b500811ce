import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stripPrototypeKeys } from './validation';

describe(stripPrototypeKeys.name, () => {
  it('drops prototype and constructor keys at every depth, in arrays too, and keeps everything else', () => {
    const body = JSON.parse(
      '{"prototype":1,"constructor":"x","to":["+1555",{"constructor":{"a":1},"keep":[{"prototype":null,"b":2}]}],' +
        '"metadata":{"plan":"gold","constructor":"y"},"n":null,"ok":true}',
    ) as unknown;
    stripPrototypeKeys(body);
    assert.deepEqual(body, {
      to: ['+1555', { keep: [{ b: 2 }] }],
      metadata: { plan: 'gold' },
      n: null,
      ok: true,
    });
  });

  it('drops an own __proto__ key as well, without touching the prototype', () => {
    const body = JSON.parse('{"a":{"__proto__":{"admin":true},"b":1}}') as { a: Record<string, unknown> };
    assert.ok(Object.hasOwn(body.a, '__proto__'), 'JSON.parse makes it an own key');
    stripPrototypeKeys(body);
    assert.equal(Object.hasOwn(body.a, '__proto__'), false);
    assert.equal(Object.getPrototypeOf(body.a), Object.prototype);
    assert.deepEqual({ ...body.a }, { b: 1 });
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  it('walks a long array without growing the call stack', () => {
    const body = { items: Array.from({ length: 300_000 }, (_, i) => (i % 2 ? { constructor: i } : i)) };
    stripPrototypeKeys(body);
    assert.equal(body.items.length, 300_000);
    assert.deepEqual(body.items[1], {});
    assert.equal(body.items[2], 2);
  });

  it('leaves primitives and empty values alone', () => {
    for (const value of [null, undefined, 1, 'x', true, [], {}]) assert.doesNotThrow(() => stripPrototypeKeys(value));
  });
});
