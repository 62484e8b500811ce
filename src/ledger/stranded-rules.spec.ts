import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallAttempt } from '../calls/call.entity';
import { createInFlight } from './stranded-rules';

const at = new Date('2026-01-01T00:00:00.000Z');
const attempt = (outcome: CallAttempt['outcome']): CallAttempt => ({
  connection_id: 'con_x',
  provider: 'kalem',
  outcome,
  error_code: null,
  at: at.toISOString(),
});
const call = (over: { providerCallId?: string | null; attempts?: CallAttempt[]; ageMs?: number } = {}) => ({
  providerCallId: over.providerCallId ?? null,
  attempts: over.attempts ?? [],
  createdAt: new Date(at.getTime() - (over.ageMs ?? 0)),
  updatedAt: new Date(at.getTime() - (over.ageMs ?? 0)),
});

describe('createInFlight', () => {
  it('is over once the vendor gave an id or the dispatcher gave up (an ambiguous attempt)', () => {
    assert.equal(createInFlight(call({ providerCallId: 'v1' }), at, 60_000), false);
    assert.equal(createInFlight(call({ attempts: [attempt('ambiguous')] }), at, 60_000), false);
  });

  it('may still be waiting while the create is recent and has no verdict', () => {
    assert.equal(createInFlight(call(), at, 60_000), true);
    assert.equal(
      createInFlight(call({ attempts: [attempt('failed')] }), at, 60_000),
      true,
      'failing over to the next connection',
    );
  });

  it('is over after the quiet period (the instance that placed it died)', () => {
    assert.equal(createInFlight(call({ ageMs: 60_000 }), at, 60_000), false);
    assert.equal(createInFlight(call({ ageMs: 59_999 }), at, 60_000), true);
  });
});
