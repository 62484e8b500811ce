import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CALL_STATUSES, isTerminal } from './call-status';
import { CALL_ERROR_CODES, END_REASONS, endReasonFor, errorCodeFor, isEndReason, mergeEndReason } from './end-reason';

describe('endReasonFor', () => {
  it('gives no reason while a call is live, and always one once it has ended', () => {
    for (const status of CALL_STATUSES)
      for (const mapped of [null, ...END_REASONS]) {
        const reason = endReasonFor(status, mapped);
        assert.equal(reason === null, !isTerminal(status), `${status} + ${mapped}`);
        if (reason) assert.ok(isEndReason(reason));
      }
  });

  it('keeps a reason that fits the status and replaces one that contradicts it', () => {
    assert.equal(endReasonFor('busy', 'rejected'), 'rejected');
    assert.equal(endReasonFor('failed', 'unknown'), 'unknown');
    assert.equal(endReasonFor('completed', 'busy'), 'completed');
    assert.equal(endReasonFor('no_answer', 'provider_error'), 'no_answer');
  });
});

describe('errorCodeFor', () => {
  it('names every end reason with a code from the closed list', () => {
    for (const reason of END_REASONS) assert.ok(CALL_ERROR_CODES.includes(errorCodeFor(reason)), reason);
    assert.equal(errorCodeFor('invalid_number'), 'invalid_number');
    assert.equal(errorCodeFor('provider_rejected'), 'provider_error');
  });
});

describe('mergeEndReason', () => {
  const live = { status: 'in_progress' as const, endReason: null, providerEndReason: null };

  it('takes reason and raw value from the report that ends the call', () => {
    assert.deepEqual(
      mergeEndReason(live, 'busy', { status: 'busy', endReason: 'busy', providerEndReason: 'USER_BUSY' }),
      { endReason: 'busy', providerEndReason: 'USER_BUSY' },
    );
  });

  it('says what the status says when the ending report gives no reason', () => {
    assert.deepEqual(mergeEndReason(live, 'completed', { status: 'completed' }), {
      endReason: 'completed',
      providerEndReason: null,
    });
  });

  it('lets a refinement (failed → no_answer) replace the bare failure reason', () => {
    const bare = { status: 'failed' as const, endReason: 'provider_error' as const, providerEndReason: null };
    assert.deepEqual(
      mergeEndReason(bare, 'no_answer', {
        status: 'no_answer',
        endReason: 'no_answer',
        providerEndReason: 'no-answer',
      }),
      { endReason: 'no_answer', providerEndReason: 'no-answer' },
    );
  });

  it("adds the vendor's reason to a call it ended without one, at the same status", () => {
    const ended = { status: 'failed' as const, endReason: 'provider_error' as const, providerEndReason: null };
    assert.deepEqual(
      mergeEndReason(ended, 'failed', {
        status: 'failed',
        endReason: 'provider_error',
        providerEndReason: 'disconnected',
      }),
      { endReason: 'provider_error', providerEndReason: 'disconnected' },
    );
  });

  it('never replaces a vendor reason already kept, nor a gateway verdict, at the same status', () => {
    const ended = {
      status: 'failed' as const,
      endReason: 'invalid_number' as const,
      providerEndReason: 'invalid-number',
    };
    assert.deepEqual(
      mergeEndReason(ended, 'failed', { status: 'failed', endReason: 'provider_error', providerEndReason: 'failed' }),
      { endReason: 'invalid_number', providerEndReason: 'invalid-number' },
    );
    const lost = { status: 'failed' as const, endReason: 'lost' as const, providerEndReason: null };
    assert.deepEqual(
      mergeEndReason(lost, 'failed', {
        status: 'failed',
        endReason: 'provider_error',
        providerEndReason: 'disconnected',
      }),
      { endReason: 'lost', providerEndReason: null },
    );
  });

  it('ignores a report whose status lost to the one the call keeps (a terminal call never goes back)', () => {
    const done = {
      status: 'completed' as const,
      endReason: 'customer_hangup' as const,
      providerEndReason: 'customer-ended-call',
    };
    assert.deepEqual(
      mergeEndReason(done, 'completed', { status: 'failed', endReason: 'provider_error', providerEndReason: 'oops' }),
      { endReason: 'customer_hangup', providerEndReason: 'customer-ended-call' },
    );
    assert.deepEqual(mergeEndReason(done, 'completed', {}), {
      endReason: 'customer_hangup',
      providerEndReason: 'customer-ended-call',
    });
  });
});
