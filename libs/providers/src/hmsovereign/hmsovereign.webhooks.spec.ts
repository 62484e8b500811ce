import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { InboundWebhookRequest, WebhookObservation } from '@switchboard/core';
import * as fx from './__fixtures__/webhooks.fixtures';
import { parseHmsSovereignWebhook, verifyHmsSovereignWebhook } from './hmsovereign.webhooks';

const SECRET = 'whsec_0123456789abcdef';
const TS = 1768035607; // 2026-01-10T09:00:07Z
const AT_TS = new Date(TS * 1000);
const ID = fx.WEBHOOK_CALL_ID;
const OUTBOUND = { direction: 'outbound', to: '+31687654321', from: '+31201234567' } as const;

const request = (body: string | Buffer, headers: Record<string, string | undefined> = {}): InboundWebhookRequest => ({
  headers,
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  pathToken: null,
});

/** Signed here with createHmac directly, independently of the adapter's code. */
function signed(
  payload: unknown,
  { secret = SECRET, ts = String(TS), prefix = 'sha256=' } = {},
): InboundWebhookRequest {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const hex = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  return request(body, { 'x-webhook-signature': `${prefix}${hex}`, 'x-webhook-timestamp': ts });
}

const observationOf = (payload: unknown): WebhookObservation => {
  const parsed = parseHmsSovereignWebhook(request(JSON.stringify(payload)));
  assert.equal(parsed.kind, 'call', JSON.stringify(parsed));
  return (parsed as { observation: WebhookObservation }).observation;
};

const FIXTURES = {
  documentedStatusUpdate: fx.documentedStatusUpdate,
  inProgress: fx.inProgress,
  ended: fx.ended,
  endedBusy: fx.endedBusy,
  endedNoAnswer: fx.endedNoAnswer,
  endOfCallReport: fx.endOfCallReport,
  minimalEndOfCallReport: fx.minimalEndOfCallReport,
  toolCalls: fx.toolCalls,
  assistantRequest: fx.assistantRequest,
};

describe('parseHmsSovereignWebhook', () => {
  const expected: [keyof typeof FIXTURES, WebhookObservation][] = [
    [
      'documentedStatusUpdate',
      {
        eventType: 'status-update:ended-with-error',
        occurredAt: '2026-01-10T08:15:00.000Z',
        providerCallId: '8a1e7c52-3b0f-4d7e-9c1a-6f2b9d0e4a77',
        reference: null,
        call: {
          direction: 'inbound',
          to: '+31201234567',
          from: '+31687654321',
          status: 'failed',
          providerStatus: 'ended-with-error',
          endedAt: '2026-01-10T08:15:00.000Z',
          endReason: 'provider_error',
          providerEndReason: 'STT connection failed',
          error: { code: 'provider_error', message: 'STT connection failed' },
        },
      },
    ],
    [
      'inProgress',
      {
        eventType: 'status-update:in-progress',
        occurredAt: '2026-01-10T09:00:07.000Z',
        providerCallId: ID,
        reference: null,
        call: {
          ...OUTBOUND,
          status: 'in_progress',
          providerStatus: 'in-progress',
          startedAt: '2026-01-10T09:00:07.000Z',
          answeredAt: '2026-01-10T09:00:07.000Z',
        },
      },
    ],
    [
      'ended',
      {
        eventType: 'status-update:ended',
        occurredAt: '2026-01-10T09:02:07.000Z',
        providerCallId: ID,
        reference: null,
        call: {
          ...OUTBOUND,
          status: 'completed',
          providerStatus: 'ended',
          endedAt: '2026-01-10T09:02:07.000Z',
          endReason: 'completed',
        },
      },
    ],
    [
      'endedBusy',
      {
        eventType: 'status-update:ended-with-error',
        occurredAt: '2026-01-10T09:00:14.000Z',
        providerCallId: ID,
        reference: null,
        call: {
          ...OUTBOUND,
          status: 'busy',
          providerStatus: 'ended-with-error',
          endedAt: '2026-01-10T09:00:14.000Z',
          endReason: 'busy',
          providerEndReason: 'SIP 486 busy',
        },
      },
    ],
    [
      'endedNoAnswer',
      {
        eventType: 'status-update:ended-with-error',
        occurredAt: '2026-01-10T09:00:40.000Z',
        providerCallId: ID,
        reference: null,
        call: {
          ...OUTBOUND,
          status: 'no_answer',
          providerStatus: 'ended-with-error',
          endedAt: '2026-01-10T09:00:40.000Z',
          endReason: 'no_answer',
          providerEndReason: 'SIP 480 no answer',
        },
      },
    ],
    [
      'endOfCallReport',
      {
        eventType: 'end-of-call-report',
        occurredAt: '2026-01-10T09:02:09.000Z',
        providerCallId: ID,
        reference: null,
        call: {
          ...OUTBOUND,
          status: 'completed',
          providerStatus: 'ended',
          durationSeconds: 120,
          endReason: 'completed',
          summary: 'Afspraak gemaakt voor dinsdag 10:00.',
          transcript: [
            { role: 'agent', text: 'Goedemorgen, u spreekt met Tandarts Jansen.' },
            { role: 'user', text: 'Ik wil graag een afspraak maken.' },
          ],
          recordingUrl: 'https://storage.hmsovereign.com/recordings/outbound-k2m4p6aa.ogg',
          analysis: { structured_data: { appointment_booked: true } },
        },
      },
    ],
    [
      'minimalEndOfCallReport',
      {
        eventType: 'end-of-call-report',
        occurredAt: '2026-01-10T09:00:07.000Z',
        providerCallId: ID,
        reference: null,
        // An empty summary says nothing; it must not clear one the gateway already has.
        call: { ...OUTBOUND, status: 'completed', providerStatus: 'ended', durationSeconds: 0, endReason: 'completed' },
      },
    ],
  ];
  for (const [name, observation] of expected) {
    it(`${name} → ${observation.eventType} (${observation.call.status})`, () => {
      assert.deepEqual(parseHmsSovereignWebhook(request(JSON.stringify(FIXTURES[name]))), {
        kind: 'call',
        observation,
      });
    });
  }

  it('tool-calls, assistant-request and event types added later are authentic but ignored', () => {
    assert.deepEqual(parseHmsSovereignWebhook(request(JSON.stringify(fx.toolCalls))), {
      kind: 'ignored',
      eventType: 'tool-calls',
    });
    assert.deepEqual(parseHmsSovereignWebhook(request(JSON.stringify(fx.assistantRequest))), {
      kind: 'ignored',
      eventType: 'assistant-request',
    });
    const later = { message: { ...fx.inProgress.message, type: 'speech-update' } };
    assert.deepEqual(parseHmsSovereignWebhook(request(JSON.stringify(later))), {
      kind: 'ignored',
      eventType: 'speech-update',
    });
  });

  it('normalizes offsets to UTC Z, keeps a garbage timestamp unknown, never uses the local clock', () => {
    const offset = observationOf({ message: { ...fx.ended.message, timestamp: '2026-01-10T10:02:07+01:00' } });
    assert.equal(offset.occurredAt, '2026-01-10T09:02:07.000Z');
    assert.equal(offset.call.endedAt, '2026-01-10T09:02:07.000Z');
    const garbage = observationOf({ message: { ...fx.ended.message, timestamp: 'yesterday' } });
    assert.equal(garbage.occurredAt, null);
    assert.equal(garbage.call.endedAt, undefined);
    const { timestamp: _t, ...noTime } = fx.ended.message;
    assert.equal(observationOf({ message: noTime }).occurredAt, null);
  });

  it('reads the gateway reference where the event carries the assistant metadata', () => {
    const withAssistant = { message: { ...fx.ended.message, assistant: fx.toolCalls.message.assistant } };
    assert.equal(observationOf(withAssistant).reference, 'call_01JH5Z');
  });

  it('an unknown status value says nothing about the status (no queued fallback)', () => {
    const odd = observationOf({
      message: { ...fx.inProgress.message, call: { ...fx.inProgress.message.call, status: 'forwarding' } },
    });
    assert.equal(odd.eventType, 'status-update:forwarding');
    assert.equal(odd.call.status, undefined);
    assert.equal(odd.call.providerStatus, 'forwarding');
  });

  it('ended-with-error without error text, and a failure that is not busy / no answer, stay failed', () => {
    const { error: _e, ...bare } = fx.endedBusy.message;
    const plain = observationOf({ message: bare });
    assert.equal(plain.call.status, 'failed');
    // A failure always says what kind it was, even without the vendor's text.
    assert.deepEqual(plain.call.error, {
      code: 'provider_error',
      message: 'HMS Sovereign reported the call ended with an error.',
    });
    assert.equal(plain.call.providerEndReason, undefined);
    const other = observationOf({ message: { ...fx.endedBusy.message, error: 'SIP 503 service unavailable' } });
    assert.equal(other.call.status, 'failed');
    assert.deepEqual(other.call.error, { code: 'provider_error', message: 'SIP 503 service unavailable' });
  });

  it('garbage bodies give invalid and never throw', () => {
    const garbage: (string | Buffer)[] = [
      'not json',
      '',
      '[]',
      '{}',
      'null',
      '1e400',
      '123456789012345678901234567890',
      '"message"',
      'true',
      '{"message":[]}',
      '{"message":null}',
      '{"message":{}}',
      '{"message":{"type":42}}',
      '{"message":{"type":"status-update"}}',
      '{"message":{"type":"status-update","call":{"id":"x"}}}',
      '{"message":{"type":"end-of-call-report","call":{"id":7,"status":"ended"}}}',
      '['.repeat(200_000),
      Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
    ];
    for (const body of garbage) {
      const parsed = parseHmsSovereignWebhook(request(body));
      assert.equal(parsed.kind, 'invalid', `${String(body).slice(0, 60)} → ${JSON.stringify(parsed)}`);
    }
    assert.equal(
      parseHmsSovereignWebhook({ headers: {}, rawBody: undefined as unknown as Buffer, pathToken: null }).kind,
      'invalid',
    );
  });
});

describe('verifyHmsSovereignWebhook', () => {
  it('accepts the known-answer vector', () => {
    const { secret, timestamp, body, signature } = fx.signedExample;
    const req = request(body, { 'x-webhook-signature': signature, 'x-webhook-timestamp': timestamp });
    assert.deepEqual(verifyHmsSovereignWebhook(req, secret, new Date(Number(timestamp) * 1000)), { ok: true });
    assert.deepEqual(verifyHmsSovereignWebhook(req, `${secret}x`, new Date(Number(timestamp) * 1000)), {
      ok: false,
      reason: 'bad_signature',
    });
  });

  for (const [name, payload] of Object.entries(FIXTURES)) {
    it(`${name}: verifies when signed, fails when tampered or signed with another secret`, () => {
      assert.deepEqual(verifyHmsSovereignWebhook(signed(payload), SECRET, AT_TS), { ok: true });
      assert.deepEqual(
        verifyHmsSovereignWebhook(signed(payload, { prefix: '' }), SECRET, AT_TS),
        { ok: true },
        'prefix is optional',
      );
      const genuine = signed(payload);
      const tampered = Buffer.from(genuine.rawBody);
      tampered[tampered.length - 2] ^= 0x01;
      assert.deepEqual(verifyHmsSovereignWebhook({ ...genuine, rawBody: tampered }, SECRET, AT_TS), {
        ok: false,
        reason: 'bad_signature',
      });
      assert.deepEqual(verifyHmsSovereignWebhook(signed(payload, { secret: 'another' }), SECRET, AT_TS), {
        ok: false,
        reason: 'bad_signature',
      });
      assert.deepEqual(verifyHmsSovereignWebhook(genuine, 'another', AT_TS), { ok: false, reason: 'bad_signature' });
    });
  }

  it('binds the timestamp: the same signature under another timestamp fails', () => {
    const genuine = signed(fx.ended);
    const moved = { ...genuine, headers: { ...genuine.headers, 'x-webhook-timestamp': String(TS + 1) } };
    assert.deepEqual(verifyHmsSovereignWebhook(moved, SECRET, AT_TS), { ok: false, reason: 'bad_signature' });
  });

  it('refuses timestamps more than 300 s away, either way, and an invalid clock', () => {
    const at = (seconds: number) => new Date((TS + seconds) * 1000);
    const req = signed(fx.ended);
    assert.deepEqual(verifyHmsSovereignWebhook(req, SECRET, at(300)), { ok: true });
    assert.deepEqual(verifyHmsSovereignWebhook(req, SECRET, at(-300)), { ok: true });
    assert.deepEqual(verifyHmsSovereignWebhook(req, SECRET, at(301)), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(verifyHmsSovereignWebhook(req, SECRET, at(-301)), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(verifyHmsSovereignWebhook(req, SECRET, new Date(NaN)), { ok: false, reason: 'stale_timestamp' });
  });

  it('missing headers → missing_signature; garbage headers → bad_signature; never throws', () => {
    const { headers, rawBody } = signed(fx.ended);
    const sig = headers['x-webhook-signature'] as string;
    const ts = headers['x-webhook-timestamp'] as string;
    const check = (h: Record<string, unknown>, secret = SECRET) =>
      verifyHmsSovereignWebhook({ headers: h as Record<string, string>, rawBody, pathToken: null }, secret, AT_TS);
    for (const h of [
      {},
      { 'x-webhook-timestamp': ts },
      { 'x-webhook-signature': sig },
      { 'x-webhook-signature': '', 'x-webhook-timestamp': ts },
      { 'x-webhook-signature': sig, 'x-webhook-timestamp': '  ' },
    ]) {
      assert.deepEqual(check(h), { ok: false, reason: 'missing_signature' }, JSON.stringify(h));
    }
    const badSignatures = [
      'sha256=',
      'sha256=zz',
      'garbage',
      `sha256=${sig.slice(8, -1)}`,
      `${sig}00`,
      `sha256=${'g'.repeat(64)}`,
      `sha1=${sig.slice(7)}`,
    ];
    const badTimestamps = ['abc', `${ts}.5`, `${ts}000`, '-1768035607', '2026-01-10T09:00:07Z'];
    for (const s of badSignatures)
      assert.deepEqual(
        check({ 'x-webhook-signature': s, 'x-webhook-timestamp': ts }),
        { ok: false, reason: 'bad_signature' },
        s,
      );
    for (const t of badTimestamps)
      assert.deepEqual(
        check({ 'x-webhook-signature': sig, 'x-webhook-timestamp': t }),
        { ok: false, reason: 'bad_signature' },
        t,
      );
    assert.deepEqual(check(headers, ''), { ok: false, reason: 'bad_signature' }, 'an empty secret proves nothing');
    assert.equal(check({ 'x-webhook-signature': [sig], 'x-webhook-timestamp': ts }).ok, false);
    assert.equal(
      verifyHmsSovereignWebhook({ headers, rawBody: 'text' as unknown as Buffer, pathToken: null }, SECRET, AT_TS).ok,
      false,
    );
    assert.equal(
      verifyHmsSovereignWebhook(
        { headers: undefined as unknown as Record<string, string>, rawBody, pathToken: null },
        SECRET,
        AT_TS,
      ).ok,
      false,
    );
  });
});
