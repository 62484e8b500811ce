import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { losesCreateAnswer, MAGIC_NUMBERS, magicNumber, playedOutcome } from './magic-numbers';
import { DEFAULT_SCENARIO, ScenarioBook } from './scenario';

describe('magic numbers', () => {
  it('hold what docs/sandbox.md promises', () => {
    assert.deepEqual(
      MAGIC_NUMBERS.map((m) => [m.number, m.behavior]),
      [
        ['+15550190001', 'no_answer'],
        ['+15550190002', 'busy'],
        ['+15550190003', 'failed'],
        ['+15550190004', 'answer_lost'],
      ],
    );
  });

  it('match whatever punctuation, with or without +', () => {
    for (const written of ['+15550190002', '+1 (555) 019-0002', '15550190002', '+1.555.019.0002'])
      assert.equal(magicNumber(written)?.behavior, 'busy', written);
  });

  it('1NNN talks for NNN seconds', () => {
    assert.deepEqual(magicNumber('+1 555 019 1030'), {
      number: '+15550191030',
      behavior: 'completed',
      talk_seconds: 30,
      description: 'answered, then completed after 30 s of talk',
    });
    assert.equal(magicNumber('+15550191999')?.talk_seconds, 999);
    assert.equal(magicNumber('+15550191000'), null, 'zero seconds is not a talk time');
  });

  it('leave every other number alone', () => {
    for (const other of [
      '+15550102030',
      '+15550190000',
      '+15550190005',
      '+15550192030',
      '+155501900011',
      '+4415550190001',
      'sip:15550190001@example.com',
    ])
      assert.equal(magicNumber(other), null, other);
  });

  it('a lost create answer is only for its own number', () => {
    assert.equal(losesCreateAnswer(['+15550102030', '+1 555 019 0004']), true);
    assert.equal(losesCreateAnswer(['+15550190001']), false);
    assert.equal(losesCreateAnswer([]), false);
    assert.equal(playedOutcome('answer_lost'), 'completed');
  });
});

describe('ScenarioBook with magic numbers', () => {
  it('plays the magic scenario whatever the default is, and a per-number scenario still wins', () => {
    const book = new ScenarioBook();
    book.set({ outcome: 'busy', talk_ms: 1 });
    assert.equal(book.for('+15550190001').outcome, 'no_answer');
    assert.deepEqual(book.for('+15550191012'), {
      ...DEFAULT_SCENARIO,
      outcome: 'completed',
      ring_ms: 6_000,
      talk_ms: 12_000,
    });
    assert.equal(book.for('+15550102030').outcome, 'busy', 'ordinary numbers follow the default');
    book.set({ to: '+15550190001', ring_ms: 5 });
    assert.deepEqual(
      book.for('+1 555 019 0001'),
      { ...DEFAULT_SCENARIO, outcome: 'no_answer', ring_ms: 5 },
      'built on the magic scenario',
    );
    book.reset();
    assert.equal(book.for('+15550190001').ring_ms, 30_000);
  });
});
