import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatementTexts } from './statement-texts';

describe('StatementTexts', () => {
  it('builds a text once per parts and hands back that same instance', () => {
    const texts = new StatementTexts();
    let built = 0;
    const build = (n: number) => () => {
      built++;
      return ['SELECT', String(n)].join(' ');
    };
    const first = texts.get(['a', 1, true], build(1));
    assert.equal(texts.get(['a', 1, true], build(1)), first);
    assert.equal(built, 1);
    assert.equal(texts.get(['a', 1, false], build(2)), 'SELECT 2');
    assert.equal(texts.get(['a', 1, undefined], build(3)), 'SELECT 3');
    assert.equal(built, 3);
  });

  it("keeps apart texts whose parts are the start of another's", () => {
    const texts = new StatementTexts();
    assert.equal(
      texts.get(['x'], () => 'short'),
      'short',
    );
    assert.equal(
      texts.get(['x', 'y'], () => 'long'),
      'long',
    );
    assert.equal(
      texts.get(['x'], () => 'rebuilt'),
      'short',
    );
  });

  it('past its cap, builds every time and keeps nothing more', () => {
    const texts = new StatementTexts(2);
    texts.get([1], () => 'one');
    texts.get([2], () => 'two');
    let built = 0;
    const third = () => `three ${++built}`;
    assert.equal(texts.get([3], third), 'three 1');
    assert.equal(texts.get([3], third), 'three 2');
    assert.equal(
      texts.get([1], () => 'again'),
      'one',
    );
  });
});
