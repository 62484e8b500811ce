import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderCall } from '@switchboard/core';
import type { CallEntity } from '../calls/call.entity';
import { newCallEntity } from '../calls/call-factory';
import { mergeProviderCall } from './call-merge';

// A queued call as the factory makes it, already known at its vendor as `v1`.
const call = (over: Partial<CallEntity> = {}): CallEntity =>
  Object.assign(
    newCallEntity({
      direction: 'outbound',
      provider: 'kalem',
      connectionId: 'con_x',
      agentId: null,
      to: '+15550001111',
      from: null,
    }),
    { id: 'call_x', providerStatus: 'pending', providerCallId: 'v1', ...over },
  );

const vendor = (over: Partial<ProviderCall> = {}): ProviderCall => ({
  providerCallId: 'v1',
  status: 'queued',
  providerStatus: 'pending',
  direction: 'outbound',
  to: '+15550001111',
  from: null,
  providerAgentId: null,
  durationSeconds: null,
  cost: null,
  createdAt: null,
  startedAt: null,
  answeredAt: null,
  endedAt: null,
  endReason: null,
  providerEndReason: null,
  error: null,
  recordingUrl: null,
  summary: null,
  transcript: null,
  analysis: null,
  metadata: null,
  ...over,
});

const NOW = new Date('2026-01-01T00:05:00.000Z');

describe('mergeProviderCall', () => {
  it('moves the status forward and names the event after the new status', () => {
    const sut = mergeProviderCall(call(), vendor({ status: 'ringing', providerStatus: 'ringing' }), NOW);
    assert.equal(sut.changes.status, 'ringing');
    assert.deepEqual(sut.events, ['call.ringing']);
    assert.equal(sut.previousStatus, 'queued');
  });

  it('produces no event for a repeated or stale report', () => {
    assert.deepEqual(mergeProviderCall(call({ status: 'in_progress' }), vendor({ status: 'ringing' }), NOW).events, []);
    assert.deepEqual(mergeProviderCall(call(), vendor(), NOW).events, []);
  });

  it('announces a recording, transcript and summary once, when they first appear', () => {
    const done = vendor({
      status: 'completed',
      recordingUrl: 'https://r',
      transcript: [{ role: 'agent', text: 'hi' }],
      summary: 's',
      durationSeconds: 30,
    });
    const first = mergeProviderCall(call({ status: 'in_progress' }), done, NOW);
    assert.deepEqual(first.events, [
      'call.completed',
      'call.recording_ready',
      'call.transcript_ready',
      'call.summary_ready',
    ]);
    const again = mergeProviderCall(
      call({
        status: 'completed',
        endReason: 'completed',
        recordingUrl: 'https://r',
        transcript: [{ role: 'agent', text: 'hi' }],
        summary: 's',
        durationSeconds: 30,
      }),
      done,
      NOW,
    );
    assert.deepEqual(again.events, []);
  });

  it('never leaves a terminal status, and a late report only fills empty fields', () => {
    const sut = mergeProviderCall(
      call({ status: 'completed', durationSeconds: 30 }),
      vendor({ status: 'in_progress', durationSeconds: 5, recordingUrl: 'https://late' }),
      NOW,
    );
    assert.equal(sut.changes.status, undefined);
    assert.equal(sut.changes.durationSeconds, undefined);
    assert.equal(sut.changes.recordingUrl, 'https://late');
    assert.deepEqual(sut.events, ['call.recording_ready']);
  });

  it("stamps the end with the time it was observed when the vendor gives none, and keeps the vendor's own", () => {
    assert.deepEqual(
      mergeProviderCall(call({ status: 'in_progress' }), vendor({ status: 'completed' }), NOW).changes.endedAt,
      NOW,
    );
    const own = mergeProviderCall(
      call({ status: 'in_progress' }),
      vendor({ status: 'completed', endedAt: '2026-01-01T00:04:00.000Z' }),
      NOW,
    );
    assert.equal(own.changes.endedAt?.toISOString(), '2026-01-01T00:04:00.000Z');
  });

  it('reports other factual changes as call.updated', () => {
    const sut = mergeProviderCall(
      call({ status: 'in_progress' }),
      vendor({ status: 'in_progress', answeredAt: '2026-01-01T00:00:00.000Z' }),
      NOW,
    );
    assert.deepEqual(sut.events, ['call.updated']);
  });

  it('sees no change in a view whose objects differ only in key order (jsonb reorders keys)', () => {
    const stored = call({
      status: 'completed',
      endReason: 'completed',
      analysis: { b: 1, a: { y: 2, x: 1 } },
      transcript: [{ text: 'hi', role: 'agent' }],
    });
    const sut = mergeProviderCall(
      stored,
      vendor({
        status: 'completed',
        analysis: { a: { x: 1, y: 2 }, b: 1 },
        transcript: [{ role: 'agent', text: 'hi' }],
      }),
      NOW,
    );
    assert.deepEqual(sut.changes, {});
    assert.deepEqual(sut.events, []);
  });

  it('lets a stale report fill gaps but not overwrite newer facts', () => {
    const stored = call({ status: 'in_progress', answeredAt: new Date('2026-01-01T00:01:00.000Z') });
    const sut = mergeProviderCall(
      stored,
      vendor({ status: 'ringing', answeredAt: '2026-01-01T00:00:59.000Z', from: '+15550009999' }),
      NOW,
      true,
    );
    assert.equal(sut.changes.answeredAt, undefined);
    assert.equal(sut.changes.from, '+15550009999');
    assert.equal(sut.changes.status, undefined);
  });

  it('refines a bare failure with the reason a later report gives', () => {
    const failed = call({ status: 'failed', providerStatus: 'failed', endedAt: NOW });
    const sut = mergeProviderCall(
      failed,
      vendor({ status: 'no_answer', providerStatus: 'failed', endReason: 'no_answer', providerEndReason: 'no-answer' }),
      NOW,
    );
    assert.equal(sut.changes.status, 'no_answer');
    assert.equal(sut.changes.endReason, 'no_answer');
    assert.equal(sut.changes.providerEndReason, 'no-answer');
    assert.deepEqual(sut.events, ['call.no_answer']);
  });

  it("adds the vendor's reason and error to a failure first reported without them, in either order", () => {
    const bare = mergeProviderCall(
      call({ status: 'ringing' }),
      vendor({ status: 'failed', providerStatus: 'failed' }),
      NOW,
    );
    assert.deepEqual(
      [bare.changes.endReason, bare.changes.providerEndReason, bare.changes.error?.code],
      ['provider_error', undefined, 'provider_error'],
    );
    const failed = call({ status: 'failed', endReason: 'provider_error', error: bare.changes.error!, endedAt: NOW });
    const why = { code: 'invalid_number' as const, message: 'The number is invalid.' };
    const later = mergeProviderCall(
      failed,
      vendor({
        status: 'failed',
        providerStatus: 'failed',
        endReason: 'invalid_number',
        providerEndReason: 'invalid-number',
        error: why,
      }),
      NOW,
    );
    assert.deepEqual(
      [later.changes.endReason, later.changes.providerEndReason, later.changes.error],
      ['invalid_number', 'invalid-number', why],
    );
    // The reverse order: the bare report adds nothing to what the vendor already said.
    const known = call({
      status: 'failed',
      endReason: 'invalid_number',
      providerEndReason: 'invalid-number',
      error: why,
      endedAt: NOW,
    });
    assert.deepEqual(mergeProviderCall(known, vendor({ status: 'failed', providerStatus: 'failed' }), NOW).changes, {});
  });

  it('drops the bare failure error when a refinement says it was busy', () => {
    const failed = call({
      status: 'failed',
      endReason: 'provider_error',
      error: { code: 'provider_error', message: 'x' },
      endedAt: NOW,
    });
    const sut = mergeProviderCall(
      failed,
      vendor({ status: 'busy', providerStatus: 'failed', endReason: 'busy', providerEndReason: 'busy' }),
      NOW,
    );
    assert.deepEqual([sut.changes.status, sut.changes.endReason, sut.changes.error], ['busy', 'busy', null]);
  });

  it('ignores a status-less report for its status (a transcript says nothing of it)', () => {
    const sut = mergeProviderCall(call({ status: 'completed' }), { providerCallId: 'v1', summary: 'done' }, NOW);
    assert.equal(sut.changes.status, undefined);
    assert.deepEqual(sut.events, ['call.summary_ready']);
  });

  it("replaces its own estimate of the end with the vendor's end time, even once the call is over", () => {
    const estimated = call({ status: 'completed', endedAt: NOW, endedAtEstimated: true });
    const sut = mergeProviderCall(estimated, { providerCallId: 'v1', endedAt: '2026-01-01T00:04:30.000Z' }, NOW);
    assert.equal(sut.changes.endedAt?.toISOString(), '2026-01-01T00:04:30.000Z');
    assert.equal(sut.changes.endedAtEstimated, false);
    const vendors = call({
      status: 'completed',
      endedAt: new Date('2026-01-01T00:04:30.000Z'),
      endedAtEstimated: false,
    });
    assert.equal(
      mergeProviderCall(vendors, { providerCallId: 'v1', endedAt: '2026-01-01T00:04:40.000Z' }, NOW).changes.endedAt,
      undefined,
    );
  });
});
