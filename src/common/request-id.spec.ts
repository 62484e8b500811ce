import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newRequestId } from './request-id';

describe('newRequestId', () => {
  it('is req_ and 26 base32 characters, and never repeats within a process', () => {
    const ids = Array.from({ length: 10_000 }, newRequestId);
    for (const id of ids.slice(0, 10)) assert.match(id, /^req_[0-9a-z]{26}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
