import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateCallInput } from '@switchboard/core';
import { callDetail, createResponse, listResponse } from './__fixtures__/calls.fixtures';
import {
  callEnded,
  callFailed,
  callRecording,
  callStarted,
  KLEN_FAILURE_REASONS,
} from './__fixtures__/webhooks.fixtures';
import { mapKlenCall, mapKlenStatus, parseKlenTranscript, toKlenCreateBody } from './klen.mappers';
import { mapKlenWebhook } from './klen.webhooks';

describe('mapKlenStatus', () => {
  it('maps every documented status value (docs/vendors/klen.md § Statuses)', () => {
    assert.equal(mapKlenStatus('queued'), 'queued');
    assert.equal(mapKlenStatus('in-progress'), 'in_progress');
    assert.equal(mapKlenStatus('completed'), 'completed');
    assert.equal(mapKlenStatus('failed'), 'failed');
  });

  it('refines failed by each documented failure reason', () => {
    const expected: Record<(typeof KLEN_FAILURE_REASONS)[number], string> = {
      'no-answer': 'no_answer',
      busy: 'busy',
      canceled: 'canceled',
      rejected: 'busy',
      disconnected: 'failed',
      'invalid-number': 'failed',
      'twilio-failed-to-connect-call': 'failed',
      failed: 'failed',
    };
    for (const reason of KLEN_FAILURE_REASONS) assert.equal(mapKlenStatus('failed', reason), expected[reason], reason);
  });

  it('normalizes spelling before mapping', () => {
    assert.equal(mapKlenStatus('IN_PROGRESS'), 'in_progress');
    assert.equal(mapKlenStatus(' Completed '), 'completed');
    assert.equal(mapKlenStatus('failed', 'NO_ANSWER'), 'no_answer');
    assert.equal(mapKlenStatus('failed', 'cancelled'), 'canceled');
  });

  it('falls back without throwing on unknown or missing values', () => {
    assert.equal(mapKlenStatus('teleporting'), 'queued');
    assert.equal(mapKlenStatus(undefined), 'queued');
    assert.equal(mapKlenStatus(42), 'queued');
    assert.equal(mapKlenStatus('failed', 'meteor-strike'), 'failed');
    assert.equal(mapKlenStatus('failed', null), 'failed');
  });
});

describe('mapKlenCall', () => {
  it('maps the documented create response', () => {
    const call = mapKlenCall(createResponse);
    assert.equal(call.providerCallId, 'call_x9y8');
    assert.equal(call.status, 'queued');
    assert.equal(call.providerStatus, 'queued');
    assert.equal(call.direction, 'outbound');
    assert.equal(call.to, '+15550004444');
    assert.equal(call.from, null);
    assert.equal(call.providerAgentId, 'assistant_777');
    assert.equal(call.createdAt, '2025-05-02T09:59:50.000Z');
    assert.equal(call.startedAt, null);
    assert.equal(call.cost, null);
    assert.equal(call.error, null);
  });

  it('maps the documented call detail, cost in dollars and transcript in turns', () => {
    assert.deepEqual(mapKlenCall(callDetail), {
      providerCallId: 'call_x9y8',
      status: 'completed',
      providerStatus: 'completed',
      direction: 'outbound',
      to: '+15550004444',
      from: null,
      providerAgentId: 'assistant_777',
      durationSeconds: 190,
      cost: { amount: 0.95, currency: 'USD' },
      createdAt: null,
      startedAt: '2025-05-02T10:00:00.000Z',
      answeredAt: '2025-05-02T10:00:00.000Z',
      endedAt: '2025-05-02T10:03:10.000Z',
      endReason: 'completed',
      providerEndReason: null,
      error: null,
      recordingUrl: 'https://storage.example.com/recordings/call_x9y8.mp3',
      summary: 'Customer agreed to renew.',
      transcript: [
        { role: 'agent', text: 'Hi Ana…' },
        { role: 'user', text: 'Yes…' },
      ],
      analysis: null,
      metadata: null,
    });
  });

  it('maps a documented list item, whose string call id is `id` and agent id the assistant id', () => {
    const call = mapKlenCall(listResponse.calls[0]);
    assert.equal(call.providerCallId, 'call_a1b2');
    assert.equal(call.providerAgentId, 'assistant_777');
    assert.equal(call.status, 'completed');
    assert.equal(call.durationSeconds, 190);
    assert.equal(call.recordingUrl, 'https://storage.example.com/recordings/call_a1b2.mp3');
    assert.equal(call.transcript, null);
  });

  it('keeps the raw status and a generic error for a bare failed detail', () => {
    const call = mapKlenCall({ ...callDetail, status: 'failed', started_at: null, duration_seconds: 0 });
    assert.equal(call.status, 'failed');
    assert.equal(call.providerStatus, 'failed');
    assert.equal(call.endReason, 'provider_error');
    assert.equal(call.providerEndReason, null);
    assert.deepEqual(call.error, { code: 'provider_error', message: 'The call failed.' });
  });

  it('puts the remote party in `from` for inbound calls', () => {
    const call = mapKlenCall({ ...callDetail, type: 'inbound' });
    assert.equal(call.direction, 'inbound');
    assert.equal(call.from, '+15550004444');
    assert.equal(call.to, null);
  });

  it('never throws on garbage', () => {
    assert.equal(mapKlenCall(null).status, 'queued');
    assert.equal(mapKlenCall('nope').providerCallId, '');
  });
});

describe('mapKlenWebhook', () => {
  it('maps the documented call.ended payload, time from the payload', () => {
    const { eventType, occurredAt, call } = mapKlenWebhook(callEnded);
    assert.equal(eventType, 'call.ended');
    assert.equal(occurredAt, '2025-05-02T10:03:13.000Z');
    assert.equal(call.providerCallId, 'call_x9y8');
    assert.equal(call.status, 'completed');
    assert.equal(call.durationSeconds, 190);
    // Webhooks carry only the integer agent id.
    assert.equal(call.providerAgentId, '12');
  });

  it('maps call.started to in_progress and prefers its assistant id', () => {
    const { call } = mapKlenWebhook(callStarted);
    assert.equal(call.status, 'in_progress');
    assert.equal(call.providerStatus, 'in-progress');
    assert.equal(call.providerAgentId, 'assistant_777');
  });

  it('maps call.failed by its failure reason and keeps the reason', () => {
    const cases: Record<string, string> = {
      'no-answer': 'no_answer',
      busy: 'busy',
      canceled: 'canceled',
      rejected: 'busy',
      disconnected: 'failed',
      'invalid-number': 'failed',
    };
    for (const [reason, status] of Object.entries(cases)) {
      const { call } = mapKlenWebhook(callFailed(reason));
      assert.equal(call.status, status, reason);
      assert.equal(call.providerStatus, 'failed');
      assert.equal(call.providerEndReason, reason);
    }
    assert.equal(mapKlenWebhook(callFailed('rejected')).call.endReason, 'rejected');
    assert.deepEqual(mapKlenWebhook(callFailed('disconnected')).call.error, {
      code: 'provider_error',
      message: 'The call ended prematurely.',
    });
    assert.equal(mapKlenWebhook(callFailed('no-answer')).call.error, null);
  });

  it('lets post-call events enrich without changing the status', () => {
    const { call } = mapKlenWebhook(callRecording);
    assert.equal(call.status, 'completed');
    assert.equal(call.recordingUrl, 'https://storage.example.com/recordings/call_x9y8.mp3');
  });
});

describe('parseKlenTranscript', () => {
  it('splits multi-line transcripts and keeps unlabelled text as one turn', () => {
    assert.deepEqual(parseKlenTranscript('Agent: Hello there.\nCustomer: Hi!\nAgent: Bye.'), [
      { role: 'agent', text: 'Hello there.' },
      { role: 'user', text: 'Hi!' },
      { role: 'agent', text: 'Bye.' },
    ]);
    assert.deepEqual(parseKlenTranscript('just words'), [{ role: 'unknown', text: 'just words' }]);
    assert.equal(parseKlenTranscript(''), null);
    assert.equal(parseKlenTranscript(null), null);
  });
});

describe('toKlenCreateBody', () => {
  const input: CreateCallInput = {
    to: '+15550004444',
    providerAgentId: 'assistant_777',
    record: true,
    metadata: { crm_id: 'abc' },
    variables: { plan: 'gold' },
    context: 'Renewal due 2025-06-01',
    customer: { name: 'Ana Ruiz', email: 'ana@example.com' },
    reference: 'call_01jv0000000000000000000000',
  };

  it('builds the documented body with the gateway call id in variables', () => {
    assert.deepEqual(toKlenCreateBody(input), {
      body: {
        phone_number: '+15550004444',
        agent_id: 'assistant_777',
        variables: {
          plan: 'gold',
          context: 'Renewal due 2025-06-01',
          customer_name: 'Ana Ruiz',
          customer_email: 'ana@example.com',
          switchboard_call_id: 'call_01jv0000000000000000000000',
        },
      },
      warnings: [],
    });
  });

  it('sends a numeric agent id as an integer and the reference even when a variable tries to take its name', () => {
    const { body } = toKlenCreateBody({ ...input, providerAgentId: '12', variables: { switchboard_call_id: 'spoof' } });
    assert.equal(body.agent_id, 12);
    assert.equal(body.variables.switchboard_call_id, 'call_01jv0000000000000000000000');
  });

  it('warns about every option Klen cannot honour', () => {
    const { body, warnings } = toKlenCreateBody(
      { ...input, from: '+15550100012', firstMessage: 'Hi!', maxDurationSeconds: 300, record: false },
      { from: '+15550100099' },
    );
    assert.equal('from' in body, false);
    assert.equal(warnings.length, 4);
    assert.deepEqual(
      warnings.map((w) => w.field),
      ['from', 'first_message', 'max_duration_seconds', 'record'],
    );
    assert.match(
      warnings.map((w) => w.message).join(' '),
      /'from'.*'first_message'.*'max_duration_seconds'.*'record: false'/,
    );
  });
});
