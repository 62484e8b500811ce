import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { streamSelection } from './stream-position';

describe(streamSelection.name, () => {
  it('starts after Last-Event-ID when given, even when ?after= says otherwise (an EventSource reconnecting keeps its URL)', () => {
    assert.deepEqual(streamSelection({ after: 3 }, '17'), { after: 17, types: undefined, callId: undefined });
    assert.deepEqual(streamSelection({ after: 30 }, '17'), { after: 17, types: undefined, callId: undefined });
  });

  it('uses ?after= without the header, and no position at all without either (the end of the log)', () => {
    assert.equal((streamSelection({ after: 0 }, undefined) as { after: number }).after, 0);
    assert.equal((streamSelection({}, undefined) as { after: undefined }).after, undefined);
    assert.equal((streamSelection({ after: 5 }, '  ') as { after: number }).after, 5, 'an empty header is no position');
  });

  it('refuses a Last-Event-ID that is not a sequence, naming the header', () => {
    for (const bad of ['abc', '-1', '1.5', '12abc', 'evt_01jz0000000000000000000000', '1234567890123456789']) {
      assert.deepEqual(
        streamSelection({}, bad),
        [{ field: 'Last-Event-ID', message: 'must be the id of an event this stream sent (a sequence number)' }],
        bad,
      );
    }
  });

  it('expands type patterns as GET /v1/events does and keeps the call filter', () => {
    const selection = streamSelection({ type: 'call.completed,call.ringing', call_id: 'call_x' }, undefined);
    assert.deepEqual(selection, { after: undefined, types: ['call.completed', 'call.ringing'], callId: 'call_x' });
    const wildcard = streamSelection({ type: 'call.*' }, undefined) as { types: string[] };
    assert.ok(wildcard.types.includes('call.deleted') && wildcard.types.includes('call.created'));
  });
});
