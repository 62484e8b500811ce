import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CALL_STATUSES, TERMINAL_STATUSES, isTerminal, nextStatus } from './call-status';

describe('call status machine', () => {
  it('moves forward through the lifecycle', () => {
    assert.equal(nextStatus('queued', 'ringing'), 'ringing');
    assert.equal(nextStatus('ringing', 'in_progress'), 'in_progress');
    assert.equal(nextStatus('in_progress', 'completed'), 'completed');
    assert.equal(nextStatus('queued', 'no_answer'), 'no_answer');
  });

  it('ignores stale reports', () => {
    assert.equal(nextStatus('in_progress', 'ringing'), 'in_progress');
    assert.equal(nextStatus('ringing', 'queued'), 'ringing');
  });

  it('never leaves a terminal status, except to say why a bare failure failed', () => {
    for (const terminal of TERMINAL_STATUSES) {
      for (const incoming of CALL_STATUSES) {
        const refines = terminal === 'failed' && ['no_answer', 'busy', 'canceled'].includes(incoming);
        assert.equal(nextStatus(terminal, incoming), refines ? incoming : terminal, `${terminal} + ${incoming}`);
      }
    }
  });

  it('refines failed at most once: a refined failure is absorbing', () => {
    assert.equal(nextStatus('failed', 'busy'), 'busy');
    assert.equal(nextStatus('busy', 'no_answer'), 'busy');
    assert.equal(nextStatus('failed', 'completed'), 'failed');
  });

  it('knows exactly five terminal statuses', () => {
    assert.deepEqual(CALL_STATUSES.filter(isTerminal), ['completed', 'failed', 'no_answer', 'busy', 'canceled']);
  });
});
