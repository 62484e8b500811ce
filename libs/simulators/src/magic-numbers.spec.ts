import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { magicNumberTables, MAGIC_OUTCOMES } from './magic-numbers';

/** Compiled to dist/libs/simulators/src: the repository root is four levels up. */
const DOC = join(__dirname, '..', '..', '..', '..', 'docs', 'sandbox.md');

describe('docs/sandbox.md', () => {
  it('shows the magic-number tables the simulators play', () => {
    const text = readFileSync(DOC, 'utf8');
    const between = /<!-- magic-numbers:start -->\n([\s\S]*?)\n<!-- magic-numbers:end -->/.exec(text);
    assert.ok(between, 'the page keeps its table markers');
    assert.equal(between[1], magicNumberTables(), 'regenerate the table between the markers from magicNumberTables()');
  });

  it('every vendor renders every outcome', () => {
    for (const table of Object.values(MAGIC_OUTCOMES))
      assert.deepEqual(Object.keys(table).sort(), ['busy', 'completed', 'failed', 'no_answer']);
  });
});
