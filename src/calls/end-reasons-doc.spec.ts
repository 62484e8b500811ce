import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALL_ERROR_CODES, END_REASONS } from '@switchboard/core';

/** docs/end-reasons.md is the consumer's reference for both closed lists: it must name every value, and no other. */
describe('docs/end-reasons.md', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'end-reasons.md'), 'utf8');
  const tableValues = (heading: string) => {
    const section = doc.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
    return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
  };

  it('lists every end reason', () => {
    assert.deepEqual(tableValues('`end_reason`').sort(), [...END_REASONS].sort());
  });

  it('lists every error code', () => {
    assert.deepEqual(tableValues('`error.code`'), CALL_ERROR_CODES);
  });
});
