import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallStatus, CreateCallInput } from '@switchboard/core';
import {
  callCompleted,
  createBatchResponse,
  createCallResponse,
  endedCall,
  listCallsPage1,
  postCallWebhook,
  statusWebhookRinging,
} from './__fixtures__/calls.fixtures';
import { KALEM_REFERENCE_KEY, mapKalemCall, mapKalemStatus, toKalemCreateBody } from './kalem.mappers';

describe('mapKalemStatus', () => {
  const table: [string, string | null, CallStatus][] = [
    // Call object spelling
    ['pending', null, 'queued'],
    ['ringing', null, 'ringing'],
    ['in_progress', null, 'in_progress'],
    ['completed', 'NORMAL_CLEARING', 'completed'],
    ['failed', 'NORMAL_TEMPORARY_FAILURE', 'failed'],
    ['failed', null, 'failed'],
    ['no_answer', 'NO_ANSWER', 'no_answer'],
    ['busy', 'USER_BUSY', 'busy'],
    // List-filter and status-webhook spellings
    ['in-progress', null, 'in_progress'],
    ['cancelled', null, 'canceled'],
    ['initiated', null, 'queued'],
    ['no-answer', null, 'no_answer'],
    // `failed` refined by hangup_cause (docs/vendors/kalem.md § Statuses ⚖)
    ['failed', 'USER_BUSY', 'busy'],
    ['failed', 'NO_ANSWER', 'no_answer'],
    ['failed', 'NO_USER_RESPONSE', 'no_answer'],
    ['failed', 'no_user_response', 'no_answer'],
    ['failed', 'CALL_REJECTED', 'failed'],
    // Case drift
    ['COMPLETED', null, 'completed'],
    ['In-Progress', null, 'in_progress'],
  ];
  for (const [raw, cause, expected] of table) {
    it(`maps '${raw}'${cause ? ` with hangup_cause ${cause}` : ''} to ${expected}`, () => {
      assert.equal(mapKalemStatus(raw, { hangupCause: cause }), expected);
    });
  }

  it('does not refine a non-failed status by its hangup cause', () => {
    assert.equal(mapKalemStatus('completed', { hangupCause: 'USER_BUSY' }), 'completed');
  });

  it('falls back to queued for an unknown value of a live call and never throws', () => {
    for (const raw of ['dialing', '', null, undefined, 42, { a: 1 }]) assert.equal(mapKalemStatus(raw), 'queued');
  });

  it('falls back to failed for an unknown value once the call has ended', () => {
    assert.equal(mapKalemStatus('voicemail', { endedAt: '2025-03-01T09:01:37+00:00' }), 'failed');
  });
});

describe('mapKalemCall', () => {
  it('normalizes the documented Call object, keeping the raw status', () => {
    assert.deepEqual(mapKalemCall(callCompleted), {
      providerCallId: '7b7f2d0e-4c1a-4a53-9d0f-2f6c1f0e8a11',
      status: 'completed',
      providerStatus: 'completed',
      direction: 'outbound',
      to: '+15550001111',
      from: '+15550002222',
      providerAgentId: null,
      durationSeconds: 92,
      cost: { amount: 0.41, currency: 'USD' },
      createdAt: null,
      startedAt: '2025-03-01T09:00:00.000Z',
      answeredAt: '2025-03-01T09:00:05.000Z',
      endedAt: '2025-03-01T09:01:37.000Z',
      endReason: 'completed',
      providerEndReason: 'NORMAL_CLEARING',
      error: null,
      recordingUrl: 'https://storage.kalem.me/recordings/7b7f2d0e.mp3',
      summary: null,
      transcript: null,
      analysis: null,
      metadata: null,
    });
  });

  it('converts offsets other than +00:00 to UTC', () => {
    const call = mapKalemCall({ ...callCompleted, started_at: '2025-03-01T10:00:00+01:00' });
    assert.equal(call.startedAt, '2025-03-01T09:00:00.000Z');
  });

  it('derives whole seconds from duration_minutes when duration_seconds is missing', () => {
    assert.equal(mapKalemCall({ ...callCompleted, duration_seconds: null }).durationSeconds, 92);
  });

  it('maps an unanswered call with null duration, cost and recording', () => {
    const call = mapKalemCall(endedCall('no_answer', 'NO_ANSWER'));
    assert.equal(call.status, 'no_answer');
    assert.equal(call.durationSeconds, null);
    assert.equal(call.cost, null);
    assert.equal(call.answeredAt, null);
    assert.equal(call.recordingUrl, null);
    assert.equal(call.endReason, 'no_answer');
    assert.equal(call.providerEndReason, 'NO_ANSWER');
    assert.equal(call.error, null);
  });

  it('maps busy as its own status', () => {
    const call = mapKalemCall(endedCall('busy', 'USER_BUSY'));
    assert.equal(call.status, 'busy');
    assert.equal(call.providerStatus, 'busy');
  });

  it('gives a failed call an error carrying the hangup cause', () => {
    const call = mapKalemCall(endedCall('failed', 'NORMAL_TEMPORARY_FAILURE'));
    assert.equal(call.status, 'failed');
    assert.equal(call.endReason, 'provider_error');
    assert.deepEqual(call.error, {
      code: 'provider_error',
      message: 'Kalem reported the call failed (NORMAL_TEMPORARY_FAILURE).',
    });
  });

  it('maps failed + USER_BUSY to busy while keeping the raw status', () => {
    const call = mapKalemCall(endedCall('failed', 'USER_BUSY'));
    assert.equal(call.status, 'busy');
    assert.equal(call.providerStatus, 'failed');
    assert.equal(call.error, null);
  });

  it('maps the single create response to a queued call and fills the known agent id', () => {
    const call = mapKalemCall(createCallResponse.data, { providerAgentId: '3' });
    assert.equal(call.providerCallId, '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f');
    assert.equal(call.status, 'queued');
    assert.equal(call.providerStatus, 'pending');
    assert.equal(call.providerAgentId, '3');
    assert.equal(call.durationSeconds, null);
    assert.equal(call.startedAt, null);
  });

  it('maps each call of a batch create response', () => {
    const calls = createBatchResponse.data.map((c) => mapKalemCall(c));
    assert.deepEqual(
      calls.map((c) => [c.providerCallId, c.to, c.status]),
      [
        ['…-0001', '+15550001111', 'queued'],
        ['…-0002', '+15550003333', 'queued'],
      ],
    );
  });

  it('maps every item of a list page', () => {
    const calls = listCallsPage1.data.map((c) => mapKalemCall(c));
    assert.deepEqual(
      calls.map((c) => c.status),
      ['completed', 'queued'],
    );
  });

  it('maps the (inferred) status webhook, with its metadata', () => {
    const call = mapKalemCall(statusWebhookRinging);
    assert.equal(call.status, 'ringing');
    assert.deepEqual(call.metadata, { crm_ticket: 'T-1009' });
  });

  it('maps the (inferred) post-call webhook, with summary and transcript', () => {
    const call = mapKalemCall(postCallWebhook);
    assert.equal(call.status, 'completed');
    assert.equal(call.summary, 'Customer asked about the March invoice; agent explained the late fee.');
    assert.deepEqual(call.transcript, [
      { role: 'agent', text: 'Hello, this is the billing assistant.' },
      { role: 'user', text: 'Hi, why was I charged a late fee?' },
    ]);
    assert.deepEqual(call.cost, { amount: 0.41, currency: 'USD' });
  });
});

describe('toKalemCreateBody', () => {
  const input: CreateCallInput = {
    to: '+15550001111',
    providerAgentId: '3',
    record: false,
    metadata: { crm_ticket: 'T-1009' },
    reference: 'call_01JNXYZ',
  };
  const defaults = { number_id: '7', trunk_id: '2', from: '+15550002222' };

  it('builds the documented create body with the gateway reference in metadata', () => {
    const { body, warnings } = toKalemCreateBody(input, defaults);
    assert.deepEqual(body, {
      to_number: '+15550001111',
      agent_id: 3,
      number_id: 7,
      trunk_id: 2,
      record: false,
      metadata: { crm_ticket: 'T-1009', [KALEM_REFERENCE_KEY]: 'call_01JNXYZ' },
    });
    assert.deepEqual(warnings, []);
  });

  it('sends a SIP destination as is', () => {
    const { body } = toKalemCreateBody({ ...input, to: 'sip:1001@sip.kalem.me', record: true }, { number_id: '1' });
    assert.equal(body.to_number, 'sip:1001@sip.kalem.me');
    assert.equal(body.record, true);
    assert.equal('trunk_id' in body, false);
  });

  it('leaves missing connection ids out so Kalem names them', () => {
    const { body } = toKalemCreateBody(input, {});
    assert.equal('number_id' in body, false);
    assert.equal('trunk_id' in body, false);
  });

  it('warns about options Kalem cannot honour', () => {
    const { warnings } = toKalemCreateBody(
      {
        ...input,
        from: '+15557770000',
        firstMessage: 'Hi!',
        context: 'VIP',
        variables: { name: 'Ada' },
        maxDurationSeconds: 300,
        customer: { name: 'Ada' },
      },
      defaults,
    );
    assert.deepEqual(
      warnings.map((w) => w.field),
      ['from', 'first_message', 'context', 'variables', 'max_duration_seconds', 'customer'],
    );
  });

  it('does not warn when from is the connection number', () => {
    assert.deepEqual(toKalemCreateBody({ ...input, from: '+15550002222' }, defaults).warnings, []);
  });
});
