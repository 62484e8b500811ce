import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  ProviderError,
  type HttpRequest,
  type InboundWebhookRequest,
  type ParsedWebhook,
  type WebhookObservation,
} from '@switchboard/core';
import {
  calendarCreated,
  callEnded,
  callFailed,
  callRecording,
  callStarted,
  callSummary,
  callTranscript,
  signedVector,
} from './__fixtures__/webhooks.fixtures';
import { createKlenAdapter } from './klen.adapter';
import { KLEN_CALL_EVENTS, parseKlenWebhook, verifyKlenWebhook } from './klen.webhooks';

const SECRET = 'whsec_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const NOW = new Date('2025-05-02T10:05:00Z');

/** A request as the gateway receives it: lower-cased headers, raw bytes. */
function request(body: unknown, signature?: string, raw = JSON.stringify(body)): InboundWebhookRequest {
  const headers: Record<string, string | undefined> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-klen-signature'] = signature;
  return { headers, rawBody: Buffer.from(raw, 'utf8'), pathToken: null };
}
const sign = (raw: string, secret = SECRET) => createHmac('sha256', secret).update(raw).digest('hex');
const signed = (body: unknown, secret = SECRET) => request(body, sign(JSON.stringify(body), secret));

function observation(parsed: ParsedWebhook): WebhookObservation {
  assert.equal(parsed.kind, 'call', JSON.stringify(parsed));
  return (parsed as Extract<ParsedWebhook, { kind: 'call' }>).observation;
}

const ALL_FIXTURES = {
  callStarted,
  callEnded,
  callFailed: callFailed('no-answer'),
  callTranscript,
  callSummary,
  callRecording,
  calendarCreated,
};

describe('verifyKlenWebhook (X-Klen-Signature, hex HMAC-SHA256 of the raw body)', () => {
  it('accepts the known-answer vector computed outside this code base', () => {
    const req = request(null, signedVector.signature, signedVector.rawBody);
    assert.deepEqual(verifyKlenWebhook(req, signedVector.secret), { ok: true });
    assert.equal(sign(signedVector.rawBody, signedVector.secret), signedVector.signature);
  });

  for (const [name, body] of Object.entries(ALL_FIXTURES)) {
    it(`verifies ${name} and rejects it when tampered or checked with another secret`, () => {
      const raw = JSON.stringify(body);
      const good = request(body, sign(raw));
      assert.deepEqual(verifyKlenWebhook(good, SECRET), { ok: true });
      const tampered = request(body, sign(raw), raw.replace('call_x9y8', 'call_x9y9').replace('2025', '2026'));
      assert.deepEqual(verifyKlenWebhook(tampered, SECRET), { ok: false, reason: 'bad_signature' });
      assert.deepEqual(verifyKlenWebhook(good, 'whsec_somebody_else'), { ok: false, reason: 'bad_signature' });
    });
  }

  it('reports a missing or empty header as missing_signature', () => {
    assert.deepEqual(verifyKlenWebhook(request(callEnded), SECRET), { ok: false, reason: 'missing_signature' });
    assert.deepEqual(verifyKlenWebhook(request(callEnded, ''), SECRET), { ok: false, reason: 'missing_signature' });
    assert.deepEqual(verifyKlenWebhook(request(callEnded, '   '), SECRET), { ok: false, reason: 'missing_signature' });
  });

  it('rejects garbage headers without throwing', () => {
    const raw = JSON.stringify(callEnded);
    const good = sign(raw);
    const garbage = [
      'zz',
      'not-hex-at-all',
      good.slice(0, 63),
      `${good}0`,
      good.toUpperCase(),
      `sha256=${good}`,
      'é'.repeat(64),
      'x'.repeat(10_000),
    ];
    for (const signature of garbage)
      assert.deepEqual(
        verifyKlenWebhook(request(callEnded, signature, raw), SECRET),
        { ok: false, reason: 'bad_signature' },
        signature,
      );
    const odd = {
      headers: { 'x-klen-signature': ['a', 'b'] as unknown as string },
      rawBody: Buffer.from(raw),
      pathToken: null,
    };
    assert.deepEqual(verifyKlenWebhook(odd, SECRET), { ok: false, reason: 'missing_signature' });
  });

  it('never accepts anything under an empty secret', () => {
    const raw = JSON.stringify(callEnded);
    assert.deepEqual(verifyKlenWebhook(request(callEnded, sign(raw, '')), ''), { ok: false, reason: 'bad_signature' });
  });

  it('takes the algorithm as a parameter, for when Klen documents its real one', () => {
    const base64 = (secret: string, raw: Buffer) => createHmac('sha256', secret).update(raw).digest('base64');
    const raw = JSON.stringify(callEnded);
    const req = request(callEnded, createHmac('sha256', SECRET).update(raw).digest('base64'), raw);
    assert.deepEqual(verifyKlenWebhook(req, SECRET, base64), { ok: true });
    assert.deepEqual(verifyKlenWebhook(req, SECRET), { ok: false, reason: 'bad_signature' });
  });
});

describe('parseKlenWebhook', () => {
  it('maps call.started: in progress, answered, the assistant id, the payload time', () => {
    const o = observation(parseKlenWebhook(signed(callStarted)));
    assert.equal(o.eventType, 'call.started');
    assert.equal(o.occurredAt, '2025-05-02T10:00:00.000Z');
    assert.equal(o.providerCallId, 'call_x9y8');
    assert.equal(o.reference, null);
    assert.deepEqual(o.call, {
      status: 'in_progress',
      providerStatus: 'in-progress',
      direction: 'outbound',
      to: '+15550004444',
      providerAgentId: 'assistant_777',
      startedAt: '2025-05-02T10:00:00.000Z',
      answeredAt: '2025-05-02T10:00:00.000Z',
    });
  });

  it('maps the documented call.ended payload and leaves out what it does not say', () => {
    const o = observation(parseKlenWebhook(signed(callEnded)));
    assert.equal(o.eventType, 'call.ended');
    assert.equal(o.occurredAt, '2025-05-02T10:03:13.000Z');
    assert.equal(o.providerCallId, 'call_x9y8', 'the string id, never the integer call.id');
    assert.equal(o.call.status, 'completed');
    assert.equal(o.call.endedAt, '2025-05-02T10:03:10.000Z');
    assert.equal(o.call.durationSeconds, 190);
    assert.equal(o.call.summary, 'Customer agreed to renew.');
    // Webhooks carry only the integer agent id.
    assert.equal(o.call.providerAgentId, '12');
    for (const absent of [
      'providerCallId',
      'cost',
      'transcript',
      'recordingUrl',
      'error',
      'metadata',
      'createdAt',
      'from',
    ])
      assert.equal(absent in o.call, false, absent);
  });

  it('refines call.failed by call.failure_reason', () => {
    const expected: Record<string, string> = {
      'no-answer': 'no_answer',
      busy: 'busy',
      rejected: 'busy',
      canceled: 'canceled',
      disconnected: 'failed',
      'invalid-number': 'failed',
      'twilio-failed-to-connect-call': 'failed',
      failed: 'failed',
      'something-new': 'failed',
    };
    for (const [reason, status] of Object.entries(expected)) {
      const o = observation(parseKlenWebhook(signed(callFailed(reason))));
      assert.equal(o.eventType, 'call.failed');
      assert.equal(o.occurredAt, '2025-05-02T10:00:30.000Z');
      assert.equal(o.call.status, status, reason);
      assert.equal(o.call.providerEndReason, reason);
      assert.equal(o.call.providerStatus, 'failed');
      assert.equal(o.call.durationSeconds, 0);
      assert.equal('startedAt' in o.call, false, 'never answered');
      const code =
        reason === 'invalid-number' ? 'invalid_number' : reason === 'something-new' ? 'unknown' : 'provider_error';
      if (status === 'failed') assert.equal(o.call.error?.code, code);
      else assert.equal('error' in o.call, false);
    }
    // Without a reason the event still says the call failed.
    const bare = callFailed('x');
    delete (bare.call as { failure_reason?: string }).failure_reason;
    assert.equal(observation(parseKlenWebhook(signed(bare))).call.status, 'failed');
  });

  it('lets post-call events add their artifact next to the status they repeat', () => {
    const transcript = observation(parseKlenWebhook(signed(callTranscript)));
    assert.equal(transcript.eventType, 'call.transcript');
    assert.equal(transcript.occurredAt, '2025-05-02T10:03:15.000Z');
    assert.equal(transcript.call.status, 'completed');
    assert.deepEqual(transcript.call.transcript, [
      { role: 'agent', text: 'Hi Ana, shall I renew your plan?' },
      { role: 'user', text: 'Yes, please.' },
    ]);
    const summary = observation(parseKlenWebhook(signed(callSummary)));
    assert.equal(summary.eventType, 'call.summary');
    assert.equal(summary.call.summary, 'Ana agreed to renew on the same terms.');
    const recording = observation(parseKlenWebhook(signed(callRecording)));
    assert.equal(recording.eventType, 'call.recording');
    assert.equal(recording.call.recordingUrl, 'https://storage.example.com/recordings/call_x9y8.mp3');
    for (const o of [transcript, summary, recording]) assert.equal(o.providerCallId, 'call_x9y8');
  });

  it('reports no status when a post-call event carries none or an unknown one', () => {
    for (const status of [undefined, 'archived']) {
      const body = { ...callRecording, call: { ...callRecording.call, status } };
      const o = observation(parseKlenWebhook(signed(body)));
      assert.equal('status' in o.call, false, String(status));
      assert.equal('providerStatus' in o.call, status !== undefined);
      assert.equal(o.call.recordingUrl, callRecording.call.recording_url);
    }
  });

  it('keeps occurredAt null when the payload has no usable timestamp', () => {
    for (const timestamp of [undefined, 'yesterday', null])
      assert.equal(observation(parseKlenWebhook(signed({ ...callEnded, timestamp }))).occurredAt, null);
  });

  it('ignores calendar events', () => {
    for (const event of [
      'calendar.created',
      'calendar.updated',
      'calendar.cancelled',
      'calendar.completed',
      'calendar.reminder',
    ])
      assert.deepEqual(parseKlenWebhook(signed({ ...calendarCreated, event_type: event })), {
        kind: 'ignored',
        eventType: event,
      });
  });

  it('parses every event the adapter subscribes to as a call event', () => {
    for (const event of KLEN_CALL_EVENTS)
      assert.equal(observation(parseKlenWebhook(signed({ ...callEnded, event_type: event }))).eventType, event);
  });

  it('answers invalid, never throws, for bodies that are not Klen webhooks', () => {
    const raws = [
      'not json',
      '[]',
      '{}',
      'null',
      '1e400',
      '123456789012345678901234567890',
      '"call.ended"',
      '',
      '\u0000\u00ff',
    ];
    for (const raw of raws) assert.equal(parseKlenWebhook(request(null, undefined, raw)).kind, 'invalid', raw);
    const shapes = [
      { event_type: 42, call: callEnded.call },
      { event_type: '', call: callEnded.call },
      { event_type: 'call.ended' },
      { event_type: 'call.ended', call: [] },
      { event_type: 'call.ended', call: { ...callEnded.call, klen_call_id: undefined } },
      { event_type: 'call.ended', call: { ...callEnded.call, klen_call_id: 901 } },
    ];
    for (const body of shapes) assert.equal(parseKlenWebhook(signed(body)).kind, 'invalid', JSON.stringify(body));
    const odd = { headers: {}, rawBody: 'not a buffer' as unknown as Buffer, pathToken: null };
    assert.equal(parseKlenWebhook(odd).kind, 'invalid');
  });

  it('survives wrongly typed fields inside an otherwise valid call', () => {
    const call = {
      klen_call_id: 'call_x9y8',
      status: 7,
      type: [],
      phone_number: {},
      started_at: 'soon',
      transcript: 5,
      duration: 'long',
    };
    const o = observation(parseKlenWebhook(signed({ event_type: 'call.summary', call, timestamp: 1e300 })));
    assert.equal(o.occurredAt, null);
    assert.deepEqual(o.call, {});
  });
});

describe('KlenAdapter.registerWebhooks', () => {
  const adapterAnswering = (body: unknown) => {
    const sent: HttpRequest[] = [];
    const http = { request: async (r: HttpRequest) => (sent.push(r), { status: 201, headers: {}, body }) };
    const sut = createKlenAdapter({
      baseUrl: 'https://api.klen.ai/api/v1/',
      credentials: { api_key: 'klen_test_123' },
      defaults: {},
      http,
      now: () => NOW,
    });
    return { sut, sent };
  };
  const target = { url: 'https://gateway.example.com/v1/webhooks/klen/conn_1', secret: 'ours' };

  it('posts to /api/webhooks/create/ (no /v1, trailing slash) and returns the issued secret', async () => {
    const { sut, sent } = adapterAnswering({
      id: 7,
      name: 'Switchboard gateway',
      url: target.url,
      subscribed_events: KLEN_CALL_EVENTS,
      secret: 'whsec_issued',
      is_active: true,
    });
    assert.deepEqual(await sut.registerWebhooks(target), { secret: 'whsec_issued', providerRegistrationId: '7' });
    assert.equal(sent[0].url, 'https://api.klen.ai/api/webhooks/create/');
    assert.deepEqual((sent[0].body as { subscribed_events: string[] }).subscribed_events, [...KLEN_CALL_EVENTS]);
    assert.equal(JSON.stringify(sent[0].body).includes('ours'), false, 'Klen issues its own secret');
  });

  it('refuses an answer without a secret, since nothing it sends could be verified', async () => {
    for (const body of [{ id: 7 }, null, 'created'])
      await assert.rejects(
        adapterAnswering(body).sut.registerWebhooks(target),
        (e: unknown) => e instanceof ProviderError && e.provider === 'klen',
      );
  });
});
