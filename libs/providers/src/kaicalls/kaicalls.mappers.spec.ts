import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreateCallInput } from '@switchboard/core';
import {
  agentDetail,
  createAgentResponse,
  listAgentsResponse,
  listNumbersResponse,
  updateAgentResponse,
} from './__fixtures__/agents.fixtures';
import {
  callCompletedEvent,
  callDetail,
  callFailedEvent,
  createCallRequest,
  createCallResponse,
  listCallsResponse,
  quickstartListRow,
  usageResponse,
} from './__fixtures__/calls.fixtures';
import {
  callOfDetail,
  costFromUsage,
  mapKaiCallsStatus,
  toKaiCallsCreateAgentBody,
  toKaiCallsCreateCall,
  toKaiCallsPatchAgentBody,
  toProviderCall,
  toVendorAgent,
  toVendorNumber,
} from './kaicalls.mappers';

const typicalInput: CreateCallInput = {
  to: '+15125550100',
  providerAgentId: '5f0c…-agent',
  customer: { name: 'Dana' },
  context: 'Confirm Friday delivery window',
  record: true,
  maxDurationSeconds: 300,
  metadata: { order: 'A-17' },
  reference: 'call_01jk7x',
};

describe('mapKaiCallsStatus', () => {
  const cases: [string, unknown, string][] = [
    ['queued', undefined, 'queued'],
    ['ringing', undefined, 'ringing'],
    ['in-progress', undefined, 'in_progress'],
    ['in_progress', undefined, 'in_progress'],
    ['started', undefined, 'in_progress'],
    ['completed', undefined, 'completed'],
    ['failed', 'no_answer', 'no_answer'],
    ['failed', 'no-answer', 'no_answer'],
    ['failed', 'busy', 'busy'],
    ['failed', 'user_busy', 'busy'],
    ['failed', 'failed', 'failed'],
    ['failed', 'voicemail', 'failed'],
    ['failed', 'carrier exploded', 'failed'],
    ['failed', undefined, 'failed'],
    ['failed', null, 'failed'],
  ];
  for (const [status, error, expected] of cases) {
    it(`maps ${status}${error === undefined ? '' : ` + error ${String(error)}`} to ${expected}`, () => {
      assert.equal(mapKaiCallsStatus(status, error), expected);
    });
  }

  it('lower-cases and turns - into _ before mapping', () => {
    assert.equal(mapKaiCallsStatus('In-Progress'), 'in_progress');
    assert.equal(mapKaiCallsStatus(' COMPLETED '), 'completed');
    assert.equal(mapKaiCallsStatus('FAILED', 'No-Answer'), 'no_answer');
  });

  it('keeps the previous status for unknown values and never throws', () => {
    assert.equal(mapKaiCallsStatus('forwarding'), 'queued');
    assert.equal(mapKaiCallsStatus('ended', undefined, 'in_progress'), 'in_progress');
    assert.equal(mapKaiCallsStatus(undefined, undefined, 'ringing'), 'ringing');
    assert.equal(mapKaiCallsStatus(42), 'queued');
    assert.equal(mapKaiCallsStatus({ status: 'completed' }), 'queued');
  });

  it('ignores an error reason on a non-failed status', () => {
    assert.equal(mapKaiCallsStatus('completed', 'busy'), 'completed');
  });
});

describe('toProviderCall', () => {
  it('maps the create response', () => {
    const call = toProviderCall(createCallResponse);
    assert.equal(call.providerCallId, 'c1a2…-call');
    assert.equal(call.status, 'queued');
    assert.equal(call.providerStatus, 'queued');
    assert.equal(call.direction, 'outbound');
    assert.equal(call.to, '+15125550100');
    assert.equal(call.from, null);
    assert.equal(call.providerAgentId, '5f0c…-agent');
    assert.equal(call.createdAt, '2026-02-15T14:30:00.000Z');
    assert.equal(call.endedAt, null);
    assert.equal(call.error, null);
    assert.equal(call.cost, null);
  });

  it('maps a list row (thin: no number, no recording)', () => {
    const call = toProviderCall(listCallsResponse.calls[0]);
    assert.equal(call.status, 'completed');
    assert.equal(call.durationSeconds, 127);
    assert.equal(call.to, null);
    assert.equal(call.recordingUrl, null);
    assert.equal(toProviderCall(quickstartListRow).summary, 'Delivery window confirmed.');
  });

  it('maps the detail, keeping the quality scores as analysis', () => {
    const call = toProviderCall(callDetail);
    assert.deepEqual(
      {
        status: call.status,
        duration: call.durationSeconds,
        recording: call.recordingUrl,
        summary: call.summary,
        createdAt: call.createdAt,
      },
      {
        status: 'completed',
        duration: 127,
        recording: 'https://…',
        summary: 'Delivery window confirmed.',
        createdAt: '2026-02-15T14:30:00.000Z',
      },
    );
    assert.deepEqual(call.analysis, { quality_dimensions: callDetail.quality_dimensions });
    assert.equal(call.startedAt, null);
    assert.equal(call.answeredAt, null);
    assert.equal(call.transcript, null);
  });

  it('maps the call.completed webhook, taking the end time from its timestamp', () => {
    const call = toProviderCall(callCompletedEvent);
    assert.equal(call.providerCallId, 'c1a2…-call');
    assert.equal(call.status, 'completed');
    assert.equal(call.endedAt, '2026-02-15T14:32:12.000Z');
    assert.equal(call.endReason, 'completed');
    assert.equal(call.providerEndReason, null);
  });

  it('maps the call.failed webhook to no_answer, keeping the raw status and reason', () => {
    const call = toProviderCall(callFailedEvent);
    assert.equal(call.status, 'no_answer');
    assert.equal(call.providerStatus, 'failed');
    assert.equal(call.endReason, 'no_answer');
    assert.equal(call.providerEndReason, 'no_answer');
    assert.equal(call.error, null);
    assert.equal(call.endedAt, '2026-02-15T14:31:00.000Z');
  });

  it('carries an error for a plain failure, with or without a reason', () => {
    const voicemail = toProviderCall({ ...callFailedEvent, error: 'voicemail' });
    assert.deepEqual(
      [voicemail.endReason, voicemail.providerEndReason, voicemail.error?.code],
      ['voicemail', 'voicemail', 'provider_error'],
    );
    const bare = toProviderCall({ id: 'x', status: 'failed' });
    assert.equal(bare.status, 'failed');
    assert.equal(bare.error?.code, 'provider_error');
  });

  it('survives garbage', () => {
    const call = toProviderCall(null);
    assert.equal(call.providerCallId, '');
    assert.equal(call.status, 'queued');
    assert.equal(toProviderCall({ id: 'x', status: 'ended' }, 'in_progress').status, 'in_progress');
  });
});

describe('callOfDetail', () => {
  it('takes the bare object, a {call} wrapper or the matching list row', () => {
    assert.equal(callOfDetail(callDetail, 'c1a2…-call')?.id, 'c1a2…-call');
    assert.equal(callOfDetail({ call: callDetail }, 'c1a2…-call')?.id, 'c1a2…-call');
    assert.equal(callOfDetail(listCallsResponse, 'c1a2…-call')?.id, 'c1a2…-call');
    assert.equal(callOfDetail(listCallsResponse, 'other'), null);
    assert.equal(callOfDetail('<html>', 'x'), null);
  });
});

describe('costFromUsage', () => {
  it('sums the usage rows of the call, cents -> USD', () => {
    assert.deepEqual(costFromUsage(usageResponse, 'c1a2…-call'), { amount: 0.36, currency: 'USD' });
  });

  it('is null when no row names the call (unknown is not free)', () => {
    assert.equal(costFromUsage(usageResponse, 'another'), null);
    assert.equal(costFromUsage({}, 'c1a2…-call'), null);
  });
});

describe('toKaiCallsCreateCall', () => {
  it('builds the documented body for a typical input, snake_case only', () => {
    const webhook = { url: createCallRequest.webhook_url, secret: 's' };
    const { body, warnings } = toKaiCallsCreateCall({ ...typicalInput, webhook });
    assert.deepEqual(body, createCallRequest);
    assert.deepEqual(warnings, []);
  });

  it('leaves absent fields out and sends no webhook without a URL', () => {
    const { body } = toKaiCallsCreateCall({
      to: '+15125550100',
      providerAgentId: 'a',
      record: true,
      metadata: {},
      reference: 'r',
    });
    assert.deepEqual(body, { agent_id: 'a', to: '+15125550100' });
  });

  it('sends first_message (never firstMessage) and folds variables into context', () => {
    const { body } = toKaiCallsCreateCall({
      ...typicalInput,
      firstMessage: 'Hi Dana!',
      variables: { order: 'A-17', window: 'Fri 9-12' },
    });
    assert.equal(body.first_message, 'Hi Dana!');
    assert.equal('firstMessage' in body, false);
    assert.equal(body.context, 'Confirm Friday delivery window\n\nCall variables:\norder: A-17\nwindow: Fri 9-12');
  });

  it('warns about what KaiCalls cannot honour', () => {
    const { warnings } = toKaiCallsCreateCall({
      ...typicalInput,
      record: false,
      from: '+15125550142',
      customer: { name: 'D', email: 'd@x.io' },
    });
    assert.deepEqual(
      warnings.map((w) => w.field),
      ['record', 'from', 'customer.email'],
    );
  });

  it('sends the gateway webhook URL untouched (its last segment is the secret) and nothing else of it', () => {
    const url = 'https://gw.example.com/webhooks/kaicalls/con_123/kc_hook_s3cr3t';
    const { body } = toKaiCallsCreateCall({ ...typicalInput, webhook: { url, secret: 'kc_hook_s3cr3t' } });
    assert.equal(body.webhook_url, url);
    assert.equal(JSON.stringify(body).split('kc_hook_s3cr3t').length, 2, 'the secret appears once, inside the URL');
    assert.equal('webhook_url' in toKaiCallsCreateCall(typicalInput).body, false);
  });
});

describe('agent and number mappers', () => {
  it('maps list rows and the detail', () => {
    assert.deepEqual(toVendorAgent(listAgentsResponse.agents[0]), {
      providerAgentId: '5f0c…-agent',
      name: 'Kai',
      details: { business_id: 'uuid-business456', created_at: '2026-02-01T09:00:00.000Z' },
    });
    assert.deepEqual(toVendorAgent(agentDetail).details, {
      business_id: 'uuid-business456',
      vapi_assistant_id: 'vapi-asst-789',
      phone_number: '+15125550142',
      first_message: 'Hello! How can I help you today?',
      voice: '11labs/burt',
      model: 'openai/gpt-4.1',
      temperature: 0.7,
      created_at: '2026-02-01T09:00:00.000Z',
    });
  });

  it('maps create and update answers', () => {
    assert.equal(toVendorAgent(createAgentResponse).providerAgentId, 'uuid-agent-new');
    assert.equal(toVendorAgent(updateAgentResponse).name, 'Dispatch v2');
  });

  it('builds the create body (voice and model objects) and the patch body', () => {
    const spec = {
      name: 'Dispatch',
      systemPrompt: 'You confirm deliveries.',
      firstMessage: 'Hi!',
      voice: '11labs:burt',
      model: 'openai/gpt-4.1',
      metadata: { team: 'ops' },
    };
    assert.deepEqual(toKaiCallsCreateAgentBody(spec, 'uuid-business456'), {
      body: {
        business_id: 'uuid-business456',
        name: 'Dispatch',
        system_prompt: 'You confirm deliveries.',
        first_message: 'Hi!',
        voice: { provider: '11labs', voiceId: 'burt' },
        model: { provider: 'openai', model: 'gpt-4.1' },
        metadata: { team: 'ops' },
      },
      problems: [],
    });
    assert.deepEqual(toKaiCallsPatchAgentBody('uuid-agent-new', { name: 'Dispatch v2' }).body, {
      id: 'uuid-agent-new',
      name: 'Dispatch v2',
    });
  });

  it('refuses a voice or model without a provider and a create without a system prompt', () => {
    const { problems } = toKaiCallsCreateAgentBody({ name: 'x', voice: 'burt', model: 'gpt-4.1' }, 'b');
    assert.deepEqual(
      problems.map((p) => p.field),
      ['voice', 'model', 'system_prompt'],
    );
  });

  it('maps numbers from either path', () => {
    const [first, second] = listNumbersResponse.numbers.map(toVendorNumber);
    assert.deepEqual(first, {
      providerNumberId: 'uuid-number1',
      number: '+15125550142',
      providerAgentId: '5f0c…-agent',
      details: { business_id: 'uuid-business456', created_at: '2026-02-01T09:00:00.000Z' },
    });
    assert.equal(second.providerAgentId, null);
    assert.deepEqual(second.details.capabilities, { voice: true, sms: true });
  });
});
