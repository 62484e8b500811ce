import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageCalls } from './kaicalls.calls.routes';
import { codeForStatus } from './kaicalls.errors';
import { rateBucket } from './kaicalls.guard';
import { callCostCents, failureFor } from './kaicalls.lifecycle';
import { generateApiKey, hasScope, KaiCallsState, keyPrefix } from './kaicalls.state';
import type { KcCall } from './kaicalls.types';
import { checkCreateCall } from './kaicalls.validation';
import { callEvent } from './kaicalls.webhooks';

describe('KaiCalls simulator pure helpers', () => {
  it('stamps strictly increasing created_at values within one millisecond', () => {
    const state = new KaiCallsState();
    const now = new Date('2026-02-15T14:30:00.000Z');
    assert.deepEqual(
      [state.stamp(now), state.stamp(now), state.stamp(now)],
      ['2026-02-15T14:30:00.000Z', '2026-02-15T14:30:00.001Z', '2026-02-15T14:30:00.002Z'],
    );
  });

  it('pages newest first and strictly before the cursor', () => {
    const calls = ['00.001', '00.003', '00.002'].map(
      (t) => ({ id: t, created_at: `2026-02-15T14:30:${t}Z` }) as KcCall,
    );
    const first = pageCalls(calls, { limit: 2, after: null });
    assert.deepEqual([first.page.map((c) => c.id), first.hasMore], [['00.003', '00.002'], true]);
    const next = pageCalls(calls, { limit: 2, after: Date.parse('2026-02-15T14:30:00.002Z') });
    assert.deepEqual([next.page.map((c) => c.id), next.hasMore], [['00.001'], false]);
  });

  it('maps outcomes to the call.failed error values', () => {
    assert.deepEqual((['completed', 'no_answer', 'busy', 'failed'] as const).map(failureFor), [
      null,
      'no_answer',
      'busy',
      'failed',
    ]);
    const failed = { id: 'c', status: 'failed', error: 'busy', ended_at: '2026-02-15T14:31:00.000Z' } as KcCall;
    assert.deepEqual(callEvent(failed), {
      event: 'call.failed',
      call_id: 'c',
      status: 'failed',
      error: 'busy',
      timestamp: '2026-02-15T14:31:00.000Z',
    });
  });

  it('names error codes the KaiCalls way per route', () => {
    assert.equal(codeForStatus(500, 'POST', '/api/v1/calls'), 'call_failed');
    assert.equal(codeForStatus(502, 'POST', '/api/v1/calls?x=1'), 'vapi_error');
    assert.equal(codeForStatus(503, 'PATCH', '/api/v1/agents'), 'vapi_error');
    assert.equal(codeForStatus(503, 'GET', '/api/v1/calls'), 'internal_error');
    assert.equal(codeForStatus(409, 'GET', '/api/v1/calls'), 'invalid_request');
  });

  it('buckets requests by the documented limit table', () => {
    assert.deepEqual(
      [
        rateBucket('POST', '/v1/calls'),
        rateBucket('GET', '/v1/usage'),
        rateBucket('PATCH', '/v1/agents'),
        rateBucket('DELETE', '/v1/webhooks'),
      ],
      ['POST /v1/calls', 'GET', 'PATCH /v1/agents', null],
    );
  });

  it('generates keys in the documented format and matches scopes with wildcards', () => {
    const key = generateApiKey();
    assert.match(key, /^kc_live_[A-Za-z0-9_-]{44}$/);
    assert.equal(keyPrefix(key).length, 12);
    assert.ok(hasScope(['*'], 'calls:write'));
    assert.ok(hasScope(['calls:*'], 'calls:write'));
    assert.ok(!hasScope(['calls:read'], 'calls:write'));
  });

  it('accepts seed and SDK spellings on create, preferring the seed one', () => {
    const checked = checkCreateCall({ agent_id: 'a', to: '+15125550100', customer_name: 'Lee', first_message: 'Hi' });
    assert.ok(checked.ok);
    assert.deepEqual([checked.value.name, checked.value.first_message, checked.value.max_duration], ['Lee', 'Hi', 600]);
  });

  it('bills whole started minutes', () => {
    assert.deepEqual([0, 1, 60, 61].map(callCostCents), [0, 12, 12, 24]);
  });
});
