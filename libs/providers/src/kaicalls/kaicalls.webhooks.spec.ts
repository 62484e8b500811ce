import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParsedWebhook, WebhookObservation } from '@switchboard/core';
import {
  callCompleted,
  callFailedBusy,
  callFailedNoAnswer,
  callFailedOther,
  callFailedVoicemail,
  delivery,
  pathSecret,
  webhookTest,
} from './__fixtures__/webhooks.fixtures';
import { parseKaiCallsWebhook, verifyKaiCallsWebhook } from './kaicalls.webhooks';

function observed(parsed: ParsedWebhook): WebhookObservation {
  assert.equal(parsed.kind, 'call', `expected a call observation, got ${JSON.stringify(parsed)}`);
  return (parsed as { observation: WebhookObservation }).observation;
}

const parse = (payload: unknown) => parseKaiCallsWebhook(delivery(payload));

describe('verifyKaiCallsWebhook (secret as the last path segment)', () => {
  const fixtures = {
    callCompleted,
    callFailedNoAnswer,
    callFailedBusy,
    callFailedOther,
    callFailedVoicemail,
    webhookTest,
  };

  for (const [name, payload] of Object.entries(fixtures)) {
    it(`accepts ${name} delivered to the URL holding the secret`, () => {
      assert.deepEqual(verifyKaiCallsWebhook(delivery(payload), pathSecret), { ok: true });
    });
  }

  it('refuses a wrong token, and a wrong connection secret', () => {
    const bad = { ok: false, reason: 'bad_signature' };
    assert.deepEqual(verifyKaiCallsWebhook(delivery(callCompleted, `${pathSecret.slice(0, -1)}X`), pathSecret), bad);
    assert.deepEqual(verifyKaiCallsWebhook(delivery(callCompleted), `${pathSecret}x`), bad);
    assert.deepEqual(verifyKaiCallsWebhook(delivery(callCompleted), pathSecret.toUpperCase()), bad);
  });

  it('says missing_signature for a null or empty token', () => {
    const missing = { ok: false, reason: 'missing_signature' };
    assert.deepEqual(verifyKaiCallsWebhook(delivery(callCompleted, null), pathSecret), missing);
    assert.deepEqual(verifyKaiCallsWebhook(delivery(callCompleted, ''), pathSecret), missing);
  });

  it('refuses garbage tokens of any length without throwing', () => {
    for (const token of [
      'x',
      pathSecret.slice(0, 10),
      `${pathSecret}${pathSecret}`,
      'é'.repeat(40),
      '\u0000',
      '%2F..%2F',
      'a'.repeat(100_000),
    ]) {
      assert.deepEqual(
        verifyKaiCallsWebhook(delivery(callCompleted, token), pathSecret),
        { ok: false, reason: 'bad_signature' },
        token.slice(0, 20),
      );
    }
  });

  it('never matches when the connection has no secret, even an empty token to an empty secret', () => {
    assert.equal(verifyKaiCallsWebhook(delivery(callCompleted, 'anything'), '').ok, false);
    assert.equal(verifyKaiCallsWebhook(delivery(callCompleted, ''), '').ok, false);
  });

  it('ignores headers: a signature header (the account-subscription scheme) is no substitute for the token', () => {
    const signed = {
      ...delivery(callCompleted, null),
      headers: { 'x-kaicalls-signature': 'sha256=00', authorization: `Bearer ${pathSecret}` },
    };
    assert.deepEqual(verifyKaiCallsWebhook(signed, pathSecret), { ok: false, reason: 'missing_signature' });
  });

  it('does not cover the body: the URL is the credential (KaiCalls signs nothing per call)', () => {
    // Documented limitation, asserted so a change to the scheme is a visible decision.
    assert.deepEqual(
      verifyKaiCallsWebhook(delivery(null, pathSecret, '{"event":"call.completed","call_id":"tampered"}'), pathSecret),
      { ok: true },
    );
  });
});

describe('parseKaiCallsWebhook', () => {
  it('call.completed -> completed with duration, recording, summary and the end time', () => {
    assert.deepEqual(observed(parse(callCompleted)), {
      eventType: 'call.completed',
      occurredAt: '2026-02-15T14:32:12.000Z',
      providerCallId: 'c1a2…-call',
      reference: null,
      call: {
        status: 'completed',
        providerStatus: 'completed',
        durationSeconds: 127,
        endedAt: '2026-02-15T14:32:12.000Z',
        endReason: 'completed',
        recordingUrl: 'https://…',
        summary: 'Delivery window confirmed.',
      },
    });
  });

  it('call.failed with error no_answer -> no_answer, keeping the reason, without an error object', () => {
    assert.deepEqual(observed(parse(callFailedNoAnswer)), {
      eventType: 'call.failed',
      occurredAt: '2026-02-15T14:31:00.000Z',
      providerCallId: 'c1a2…-call',
      reference: null,
      call: {
        status: 'no_answer',
        providerStatus: 'failed',
        endedAt: '2026-02-15T14:31:00.000Z',
        endReason: 'no_answer',
        providerEndReason: 'no_answer',
      },
    });
  });

  it('call.failed with a busy reason -> busy', () => {
    const { call, occurredAt } = observed(parse(callFailedBusy));
    assert.deepEqual(call, {
      status: 'busy',
      providerStatus: 'failed',
      endedAt: '2026-02-15T14:30:41.000Z',
      endReason: 'busy',
      providerEndReason: 'busy',
    });
    assert.equal(occurredAt, '2026-02-15T14:30:41.000Z');
    assert.equal(observed(parse({ ...callFailedBusy, error: 'user-busy' })).call.status, 'busy');
  });

  it('call.failed with any other reason -> failed, with the reason as error code', () => {
    for (const [payload, reason, endReason] of [
      [callFailedOther, 'failed', 'provider_error'],
      [callFailedVoicemail, 'voicemail', 'voicemail'],
    ] as const) {
      const { call } = observed(parse(payload));
      assert.equal(call.status, 'failed');
      assert.equal(call.endReason, endReason);
      assert.equal(call.providerEndReason, reason);
      assert.equal(call.error?.code, 'provider_error');
    }
    const bare = observed(parse({ event: 'call.failed', call_id: 'c1', timestamp: '2026-02-15T14:31:00Z' }));
    assert.deepEqual(
      [bare.call.status, bare.call.error?.code, bare.call.endReason, bare.call.providerEndReason],
      ['failed', 'provider_error', 'provider_error', undefined],
    );
  });

  it('the event name decides the outcome, whatever the status field says', () => {
    assert.equal(observed(parse({ ...callFailedNoAnswer, status: 'completed' })).call.status, 'no_answer');
    assert.equal(observed(parse({ ...callCompleted, status: undefined, error: 'busy' })).call.status, 'completed');
  });

  it('takes occurredAt from the payload, normalized to UTC Z, and null when absent or unreadable', () => {
    assert.equal(
      observed(parse({ ...callCompleted, timestamp: '2026-02-15T16:32:12+02:00' })).occurredAt,
      '2026-02-15T14:32:12.000Z',
    );
    assert.equal(
      observed(parse({ ...callCompleted, timestamp: '2026-02-15T14:32:12' })).occurredAt,
      '2026-02-15T14:32:12.000Z',
    );
    const undated = observed(parse({ ...callCompleted, timestamp: undefined }));
    assert.deepEqual([undated.occurredAt, 'endedAt' in undated.call], [null, false]);
    assert.equal(observed(parse({ ...callCompleted, timestamp: 'yesterday' })).occurredAt, null);
  });

  it('says nothing it was not told (no direction, numbers, agent or cost)', () => {
    const { call } = observed(parse(callFailedNoAnswer));
    for (const key of [
      'direction',
      'to',
      'from',
      'providerAgentId',
      'cost',
      'durationSeconds',
      'recordingUrl',
      'transcript',
      'metadata',
    ]) {
      assert.equal(key in call, false, key);
    }
  });

  it('ignores authentic events about no call, with or without a call id', () => {
    assert.deepEqual(parse(webhookTest), { kind: 'ignored', eventType: 'webhook.test' });
    assert.deepEqual(parse({ event: 'call.transcript', call_id: 'c1a2…-call' }), {
      kind: 'ignored',
      eventType: 'call.transcript',
    });
  });

  it('refuses call events without a call id', () => {
    for (const call_id of [undefined, '', 42, null, { id: 'x' }]) {
      assert.equal(parse({ ...callCompleted, call_id }).kind, 'invalid', String(call_id));
    }
  });

  it('turns garbage into invalid and never throws', () => {
    const raws = [
      'not json',
      '[]',
      '{}',
      'null',
      '9'.repeat(400),
      '1e400',
      '"call.completed"',
      'true',
      '',
      '{"event":',
      '[{"event":"call.completed","call_id":"c"}]',
      '{"event":42,"call_id":"c"}',
    ];
    for (const raw of raws) {
      const parsed = parseKaiCallsWebhook(delivery(null, pathSecret, raw));
      assert.equal(parsed.kind, 'invalid', raw.slice(0, 30));
    }
    const noBody = { headers: {}, rawBody: undefined as unknown as Buffer, pathToken: null };
    assert.equal(parseKaiCallsWebhook(noBody).kind, 'invalid');
    assert.equal(parseKaiCallsWebhook(delivery(null, pathSecret, '\u00ff\u0000\ud800')).kind, 'invalid');
  });
});
