import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorBodyObject, fieldErrorsFromMap, kindFromCode, scrubPatterns, scrubSecrets } from './vendor-errors';
import { mapKlenError } from '../klen/klen.errors';
import { mapKaiCallsError } from '../kaicalls/kaicalls.errors';

describe('vendor error plumbing', () => {
  it('a code names a kind only through the table’s own keys, never Object’s prototype', () => {
    const table = { busy_line: 'invalid_request' } as const;
    assert.equal(kindFromCode(503, 'busy_line', table), 'invalid_request');
    assert.equal(kindFromCode(503, 'constructor', table), 'retryable');
    assert.equal(kindFromCode(404, undefined, table), 'not_found');
    // Through the vendors' own mappers, which used to index their tables blindly.
    const now = new Date(0);
    for (const error of [
      mapKlenError({ status: 500, headers: {}, body: { error: 'constructor', message: 'x' } }, now),
      mapKaiCallsError({ status: 500, headers: {}, body: { error: { code: 'toString', message: 'x' } } }, now),
    ]) {
      assert.equal(error.kind, 'retryable');
      assert.deepEqual(error.fieldErrors, []);
    }
  });

  it('reads JSON text only when asked, and never arrays or HTML', () => {
    assert.deepEqual(errorBodyObject('{"message":"m"}', { parseText: true }), { message: 'm' });
    assert.equal(errorBodyObject('{"message":"m"}', { parseText: false }), null);
    assert.equal(errorBodyObject('<html>', { parseText: true }), null);
    assert.equal(errorBodyObject([{ message: 'm' }], { parseText: true }), null);
  });

  it('scrubs the connection’s secrets and the vendor’s key shapes', () => {
    assert.equal(scrubSecrets('key abc123 and abc123', ['abc123', '']), 'key [redacted] and [redacted]');
    assert.equal(scrubPatterns('Bearer xyz', [[/(Bearer\s+)\S+/gi, '$1[redacted]']]), 'Bearer [redacted]');
  });

  it('flattens `{ field: message | [messages] }` under the gateway’s field names, skipping non-strings', () => {
    const rename = (f: string) => (f === 'to_number' ? 'to' : f);
    assert.deepEqual(fieldErrorsFromMap({ to_number: ['bad', 'worse'], record: 'no', x: 3 }, rename), [
      { field: 'to', message: 'bad' },
      { field: 'to', message: 'worse' },
      { field: 'record', message: 'no' },
    ]);
  });
});
