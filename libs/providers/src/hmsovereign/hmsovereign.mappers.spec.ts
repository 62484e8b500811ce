import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateCallInput } from '@switchboard/core';
import {
  createCallResponse,
  endedOutboundCall,
  inboundCallCoreConceptsSpelling,
  listCallsResponse,
  statusUpdateWebhook,
  statusVariants,
  transferCommand,
} from './__fixtures__/calls.fixtures';
import { assistant, number } from './__fixtures__/resources.fixtures';
import {
  fromHmsSovereignAssistant,
  fromHmsSovereignCall,
  fromHmsSovereignCreateResponse,
  fromHmsSovereignNumber,
  mapHmsSovereignStatus,
  toHmsSovereignAssistantBody,
  toHmsSovereignControlBody,
  toHmsSovereignCreateBody,
} from './hmsovereign.mappers';

const input: CreateCallInput = {
  to: '+31687654321',
  providerAgentId: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  firstMessage: 'Goedemorgen!',
  context: 'Patient wants to move an appointment.',
  record: true,
  maxDurationSeconds: 300,
  metadata: { crm_id: 'c-42' },
  reference: 'call_01JH5Z',
};

describe('mapHmsSovereignStatus', () => {
  const cases: [string, string | null, string][] = [
    ['dialing', null, 'ringing'],
    ['connecting', null, 'ringing'],
    ['in-progress', null, 'in_progress'],
    ['In_Progress', null, 'in_progress'],
    ['ended', null, 'completed'],
    ['ended-with-error', 'STT connection failed', 'failed'],
    ['failed', 'SIP 486 busy', 'busy'],
    ['failed', 'Line BUSY', 'busy'],
    ['failed', 'No answer', 'no_answer'],
    ['failed', 'SIP 480 no-answer', 'no_answer'],
    ['failed', 'no_answer', 'no_answer'],
    ['failed', 'Ring timeout after 30s', 'no_answer'],
    ['failed', 'Destination not reachable', 'failed'],
    ['failed', null, 'failed'],
  ];
  for (const [raw, error, expected] of cases) {
    it(`maps ${raw}${error ? ` with error "${error}"` : ''} to ${expected}`, () => {
      assert.equal(mapHmsSovereignStatus(raw, error), expected);
    });
  }

  it('falls back to queued, never throwing, on unknown or missing values', () => {
    assert.equal(mapHmsSovereignStatus('exploded'), 'queued');
    assert.equal(mapHmsSovereignStatus(undefined), 'queued');
    assert.equal(mapHmsSovereignStatus(42), 'queued');
  });
});

describe('fromHmsSovereignCall', () => {
  it('maps the seed list item (failed + "SIP 486 busy") to busy, keeping the raw status', () => {
    const call = fromHmsSovereignCall(listCallsResponse.calls[0]);
    assert.equal(call.providerCallId, 'call-_+31687654321_q7w8e9');
    assert.equal(call.status, 'busy');
    assert.equal(call.providerStatus, 'failed');
    // Busy is an outcome, not an error: the vendor's text is kept as the raw end reason.
    assert.equal(call.error, null);
    assert.equal(call.endReason, 'busy');
    assert.equal(call.providerEndReason, 'SIP 486 busy');
    assert.equal(call.direction, 'inbound');
    assert.equal(call.from, '+31687654321');
    assert.equal(call.to, '+31201234567');
    assert.equal(call.durationSeconds, 0);
    assert.equal(call.answeredAt, null);
    assert.equal(call.createdAt, '2026-01-10T08:14:50.000Z');
    assert.equal(call.endedAt, '2026-01-10T08:15:04.000Z');
    assert.deepEqual(call.metadata, { agent_name: 'Afspraken', business_name: 'Tandarts Jansen' });
  });

  it('maps every status variant fixture', () => {
    const expected: Record<keyof typeof statusVariants, string> = {
      connecting: 'ringing',
      inProgress: 'in_progress',
      ended: 'completed',
      failedBusy: 'busy',
      failedNoAnswer: 'no_answer',
      failedNoAnswerHyphen: 'no_answer',
      failedTimeout: 'no_answer',
      failedOther: 'failed',
      failedNoError: 'failed',
    };
    for (const [name, record] of Object.entries(statusVariants)) {
      assert.equal(fromHmsSovereignCall(record).status, expected[name as keyof typeof statusVariants], name);
    }
  });

  it('maps an answered outbound call with all SDK fields', () => {
    const call = fromHmsSovereignCall(endedOutboundCall);
    assert.equal(call.status, 'completed');
    assert.equal(call.providerStatus, 'ended');
    assert.equal(call.direction, 'outbound');
    assert.equal(call.to, '+31687654321');
    assert.equal(call.from, '+31201234567');
    assert.equal(call.providerAgentId, '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b');
    assert.equal(call.durationSeconds, 120);
    assert.equal(call.cost, null);
    assert.equal(call.answeredAt, '2026-01-10T09:00:07.000Z');
    assert.equal(call.startedAt, '2026-01-10T09:00:07.000Z');
    assert.equal(call.recordingUrl, 'https://recordings.hmsovereign.com/outbound-k2m4p6aa.mp3');
    assert.equal(call.summary, 'Afspraak gemaakt voor dinsdag 10:00.');
    assert.deepEqual(call.transcript, [
      { role: 'agent', text: 'Goedemorgen, u spreekt met Tandarts Jansen.' },
      { role: 'user', text: 'Ik wil graag een afspraak maken.' },
    ]);
    assert.deepEqual(call.analysis, { appointment_booked: true });
    assert.equal(call.error, null);
    assert.equal(call.metadata?.room_name, 'outbound-k2m4p6aa');
  });

  it('reads the core-concepts spellings (agent_phone, assistant_name)', () => {
    const call = fromHmsSovereignCall(inboundCallCoreConceptsSpelling);
    assert.equal(call.status, 'in_progress');
    assert.equal(call.to, '+31201234567');
    assert.equal(call.from, '+31612345678');
    assert.equal(call.metadata?.agent_name, 'Receptie');
  });

  it('tells direction from call.type and the outbound id shape when `direction` is absent', () => {
    const { direction: _omit, ...noDirection } = endedOutboundCall;
    assert.equal(fromHmsSovereignCall(noDirection).direction, 'outbound');
    assert.equal(fromHmsSovereignCall({ id: 'x', status: 'ended', type: 'outbound_phone_call' }).direction, 'outbound');
    const webhookCall = fromHmsSovereignCall({
      ...statusUpdateWebhook.message.call,
      error: statusUpdateWebhook.message.error,
    });
    assert.equal(webhookCall.direction, 'inbound');
    assert.equal(webhookCall.status, 'failed');
    assert.equal(webhookCall.providerStatus, 'ended-with-error');
    assert.deepEqual(webhookCall.error, { code: 'provider_error', message: 'STT connection failed' });
    assert.equal(webhookCall.endReason, 'provider_error');
    assert.equal(webhookCall.providerEndReason, 'STT connection failed');
  });
});

describe('toHmsSovereignCreateBody', () => {
  it('builds the outbound body with the reference in the per-call assistant metadata', () => {
    const { body, warnings } = toHmsSovereignCreateBody(input, '9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d');
    assert.deepEqual(body, {
      destination: '+31687654321',
      assistant_id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      first_message: 'Goedemorgen!',
      context: 'Patient wants to move an appointment.',
      number_id: '9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
      assistant_override: {
        max_duration_seconds: 300,
        metadata: { crm_id: 'c-42', switchboard_call_id: 'call_01JH5Z' },
      },
    });
    assert.deepEqual(warnings, []);
  });

  it('leaves optional fields out and warns about options the vendor cannot honour', () => {
    const { body, warnings } = toHmsSovereignCreateBody(
      {
        to: '+31687654321',
        providerAgentId: 'a',
        record: false,
        metadata: {},
        reference: 'r',
        variables: { x: '1' },
        customer: { name: 'Jan' },
      },
      undefined,
    );
    assert.deepEqual(body, {
      destination: '+31687654321',
      assistant_id: 'a',
      assistant_override: { metadata: { switchboard_call_id: 'r' } },
    });
    assert.equal(warnings.length, 3);
    assert.deepEqual(
      warnings.map((w) => w.field),
      ['record', 'variables', 'customer'],
    );
  });
});

describe('fromHmsSovereignCreateResponse', () => {
  it('maps the seed create response (dialing → ringing) without inventing times', () => {
    const call = fromHmsSovereignCreateResponse(createCallResponse, input, '+31201234567');
    assert.equal(call.providerCallId, 'call-outbound-k2m4p6');
    assert.equal(call.status, 'ringing');
    assert.equal(call.providerStatus, 'dialing');
    assert.equal(call.direction, 'outbound');
    assert.equal(call.to, '+31687654321');
    assert.equal(call.from, '+31201234567');
    assert.equal(call.createdAt, null);
    assert.deepEqual(call.metadata, { room_name: 'outbound-k2m4p6aa' });
  });
});

describe('toHmsSovereignControlBody', () => {
  it('builds each documented command', () => {
    assert.deepEqual(toHmsSovereignControlBody({ action: 'say', text: 'Een moment.' }), {
      type: 'say',
      content: 'Een moment.',
      end_after: false,
    });
    assert.deepEqual(toHmsSovereignControlBody({ action: 'inject_context', text: 'VIP' }), {
      type: 'inject-context',
      content: 'VIP',
      trigger_response: false,
    });
    assert.deepEqual(toHmsSovereignControlBody({ action: 'end' }), { type: 'end-call' });
    assert.deepEqual(
      toHmsSovereignControlBody({ action: 'transfer', to: transferCommand.destination, text: transferCommand.message }),
      transferCommand,
    );
  });

  it('returns null when a required field is missing', () => {
    assert.equal(toHmsSovereignControlBody({ action: 'say' }), null);
    assert.equal(toHmsSovereignControlBody({ action: 'transfer', text: 'x' }), null);
  });
});

describe('assistants and numbers', () => {
  it('maps an assistant without leaking its webhook secret', () => {
    const agent = fromHmsSovereignAssistant(assistant);
    assert.equal(agent.providerAgentId, assistant.id);
    assert.equal(agent.name, 'Afspraken');
    assert.equal(agent.details.model, 'gpt-4o-mini');
    assert.equal(agent.details.voice, 'nl-female-1');
    assert.equal(agent.details.is_active, true);
    assert.doesNotMatch(JSON.stringify(agent), /whsec_do_not_leak/);
  });

  it('builds an assistant body from an AgentSpec, leaving unset fields out', () => {
    assert.deepEqual(
      toHmsSovereignAssistantBody({
        name: 'Receptie',
        systemPrompt: 'Wees vriendelijk.',
        firstMessage: 'Hallo!',
        voice: 'nl-female-1',
        model: 'gpt-4o-mini',
      }),
      {
        name: 'Receptie',
        first_message: 'Hallo!',
        llm_config: { system_prompt: 'Wees vriendelijk.', model: 'gpt-4o-mini' },
        tts_config: { voice: 'nl-female-1' },
      },
    );
    assert.deepEqual(toHmsSovereignAssistantBody({ name: 'Receptie', voice: null }), { name: 'Receptie' });
  });

  it('maps a number', () => {
    const n = fromHmsSovereignNumber(number);
    assert.equal(n.providerNumberId, number.id);
    assert.equal(n.number, '+31201234567');
    assert.equal(n.providerAgentId, number.agent_id);
    assert.equal(n.details.business_name, 'Tandarts Jansen');
    assert.equal('transfer_trunk_id' in n.details, false);
  });
});
