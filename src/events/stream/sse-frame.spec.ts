import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventResponse } from '../event-log.repository';
import { commentFrame, eventFrame } from './sse-frame';

const event: EventResponse = {
  id: 'evt_01jz0000000000000000000000',
  object: 'event',
  type: 'call.transcript_ready',
  sequence: 42,
  created_at: '2025-01-01T00:00:00.000Z',
  call_id: 'call_01jz0000000000000000000000',
  data: { call: { transcript: [{ role: 'agent', text: 'line one\nline two\r\n: not a comment\n\nid: 7' }] } },
};

describe(eventFrame.name, () => {
  it('is id = sequence, event = type, and the event JSON on one data line, ended by a blank line', () => {
    const frame = eventFrame(event);
    const lines = frame.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['id: 42', 'event: call.transcript_ready']);
    assert.equal(lines[2], `data: ${JSON.stringify(event)}`);
    assert.deepEqual(lines.slice(3), ['', '']);
    assert.deepEqual(JSON.parse(lines[2].slice('data: '.length)), event);
  });

  it('never lets line breaks inside the event end a field or the frame early', () => {
    const frame = eventFrame(event);
    assert.equal(frame.split(/\r\n|\r|\n/).length, 5);
    assert.equal(frame.indexOf('\n\n'), frame.length - 2);
  });
});

describe(commentFrame.name, () => {
  it('is a comment line and a blank line; every line of a multi-line text stays a comment', () => {
    assert.equal(commentFrame('heartbeat'), ': heartbeat\n\n');
    assert.equal(commentFrame('a\nb\r\nc'), ': a\n: b\n: c\n\n');
  });
});
