import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { numberGrams } from './calls-list.query';

describe('numberGrams', () => {
  it('without statistics: the first and last runs of the last seven digits', () => {
    assert.deepEqual(numberGrams('55500532'), ['5500', '0532']);
    assert.deepEqual(numberGrams('0532'), ['0532']);
    assert.deepEqual(numberGrams('053'), []);
  });

  it("with statistics: the two rarest runs of all the digits, whatever the prefix's", () => {
    // The bench's figures: every number under +1555, half of them +155500…
    const shares = new Map([
      ['5550', 1],
      ['5500', 0.5],
      ['5005', 0.05],
      ['0053', 0.0055],
    ]);
    assert.deepEqual(
      numberGrams('55500532', (run) => shares.get(run)),
      ['0532', '0053'],
    );
  });

  it('a run the statistics do not list counts as rarer than any they do; equals go to the later run', () => {
    assert.deepEqual(
      numberGrams('12345678', () => undefined),
      ['5678', '4567'],
    );
    assert.deepEqual(
      numberGrams('12345678', (run) => (run === '5678' ? 0.2 : undefined)),
      ['4567', '3456'],
    );
    // Repeated runs are asked for once.
    assert.deepEqual(
      numberGrams('00000', () => 0.9),
      ['0000'],
    );
  });
});
