import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallStatus, WebhookObservation } from '@switchboard/core';
import * as fx from './__fixtures__/webhooks.fixtures';
import {
  KALEM_WEBHOOK_SECRET_HEADER,
  parseKalemWebhook,
  toKalemWebhookFields,
  verifyKalemWebhook,
} from './kalem.webhooks';

const CALL_ID = '0d5c8f4e-8f7e-4a0c-9a55-1b2f3c4d5e6f';
const parse = (body: unknown) => parseKalemWebhook(fx.kalemWebhookRequest(body));
const observe = (body: unknown): WebhookObservation => {
  const parsed = parse(body);
  assert.equal(parsed.kind, 'call', JSON.stringify(parsed));
  return (parsed as { observation: WebhookObservation }).observation;
};
const fromRaw = (raw: string) => parseKalemWebhook(fx.kalemWebhookRequest(null, fx.WEBHOOK_SECRET, Buffer.from(raw)));
const metadata = { crm_ticket: 'T-1009', switchboard_call_id: 'call_01JNXYZ' };

const ALL_FIXTURES: [string, unknown][] = Object.entries(fx).filter(([, v]) => typeof v === 'object' && v !== null);

describe('parseKalemWebhook: call-status payloads', () => {
  const table: [string, unknown, CallStatus, string][] = [
    ['initiated', fx.statusInitiated, 'queued', '2025-03-01T09:00:00.000Z'],
    ['in-progress', fx.statusInProgress, 'in_progress', '2025-03-01T09:00:05.000Z'],
    ['completed', fx.statusCompleted, 'completed', '2025-03-01T09:01:37.000Z'],
    ['no-answer', fx.statusNoAnswer, 'no_answer', '2025-03-01T09:00:32.000Z'],
    // +01:00 offset normalized to UTC.
    ['busy', fx.statusBusy, 'busy', '2025-03-01T08:00:03.000Z'],
    // Nothing in the lightweight payload says why; the post-call payload refines it.
    ['failed', fx.statusFailed, 'failed', '2025-03-01T09:00:04.000Z'],
  ];
  for (const [raw, body, status, occurredAt] of table) {
    it(`'${raw}' -> call_status ${status} at the payload's timestamp, with the gateway reference`, () => {
      assert.deepEqual(observe(body), {
        eventType: 'call_status',
        occurredAt,
        providerCallId: CALL_ID,
        reference: 'call_01JNXYZ',
        call: { status, providerStatus: raw, to: '+15550001111', from: '+15550002222', metadata },
      });
    });
  }

  it('the documented ringing example: no gateway reference in its metadata -> reference null', () => {
    const observation = observe(fx.statusRinging);
    assert.equal(observation.eventType, 'call_status');
    assert.equal(observation.occurredAt, '2025-03-01T09:00:02.000Z');
    assert.equal(observation.reference, null);
    assert.equal(observation.call.status, 'ringing');
  });

  it('a status payload without timestamp or numbers says only the status', () => {
    assert.deepEqual(observe({ call_id: CALL_ID, status: 'ringing' }), {
      eventType: 'call_status',
      occurredAt: null,
      providerCallId: CALL_ID,
      reference: null,
      call: { status: 'ringing', providerStatus: 'ringing' },
    });
  });
});

describe('parseKalemWebhook: post-call payloads', () => {
  it('completed: the full call, occurredAt = ended_at, without what the event does not say', () => {
    assert.deepEqual(observe(fx.postCallCompleted), {
      eventType: 'post_call',
      occurredAt: '2025-03-01T09:01:37.000Z',
      providerCallId: CALL_ID,
      reference: 'call_01JNXYZ',
      call: {
        status: 'completed',
        providerStatus: 'completed',
        to: '+15550001111',
        from: '+15550002222',
        durationSeconds: 92,
        cost: { amount: 0.41, currency: 'USD' },
        startedAt: '2025-03-01T09:00:00.000Z',
        answeredAt: '2025-03-01T09:00:05.000Z',
        endedAt: '2025-03-01T09:01:37.000Z',
        endReason: 'completed',
        providerEndReason: 'NORMAL_CLEARING',
        recordingUrl: 'https://storage.kalem.me/recordings/0d5c8f4e.mp3',
        summary: 'Customer asked about the March invoice; agent explained the late fee.',
        transcript: [
          { role: 'agent', text: 'Hello, this is the billing assistant.' },
          { role: 'user', text: 'Hi, why was I charged a late fee?' },
        ],
        metadata,
      },
    });
  });

  const outcomes: [string, unknown, CallStatus, string][] = [
    ['no_answer', fx.postCallNoAnswer, 'no_answer', 'no_answer'],
    ['busy', fx.postCallBusy, 'busy', 'busy'],
    ['failed + USER_BUSY', fx.postCallFailedBusy, 'busy', 'failed'],
    ['failed + NO_USER_RESPONSE', fx.postCallFailedNoAnswer, 'no_answer', 'failed'],
  ];
  for (const [label, body, status, providerStatus] of outcomes) {
    it(`${label} -> ${status}, with no duration, cost or answer time`, () => {
      const { eventType, occurredAt, call } = observe(body);
      assert.equal(eventType, 'post_call');
      assert.equal(occurredAt, '2025-03-01T09:00:32.000Z');
      assert.equal(call.status, status);
      assert.equal(call.providerStatus, providerStatus);
      for (const key of [
        'durationSeconds',
        'cost',
        'answeredAt',
        'recordingUrl',
        'summary',
        'error',
        'direction',
      ] as const)
        assert.equal(key in call, false, key);
      assert.deepEqual(call.transcript, []);
    });
  }

  it('failed with another cause stays failed and carries the error', () => {
    const { call } = observe(fx.postCallFailed);
    assert.equal(call.status, 'failed');
    assert.deepEqual(call.error, {
      code: 'provider_error',
      message: 'Kalem reported the call failed (NORMAL_TEMPORARY_FAILURE).',
    });
  });

  it('the assumed post-call example as printed: no ended_at -> occurredAt null; no reference', () => {
    const observation = observe(fx.postCallAsPrinted);
    assert.equal(observation.eventType, 'post_call');
    assert.equal(observation.occurredAt, null);
    assert.equal(observation.reference, null);
    assert.equal(observation.call.status, 'completed');
    assert.equal(observation.call.durationSeconds, 92);
    assert.deepEqual(observation.call.metadata, { crm_ticket: 'T-1009' });
  });
});

describe('parseKalemWebhook: garbage never throws', () => {
  for (const raw of [
    'not json',
    '[]',
    '{}',
    'null',
    '1e400',
    '123456789012345678901234567890',
    '',
    '   ',
    '"completed"',
    'true',
    '{"call_id":',
  ])
    it(`${JSON.stringify(raw)} -> invalid`, () => {
      const parsed = fromRaw(raw);
      assert.equal(parsed.kind, 'invalid');
      assert.match((parsed as { message: string }).message, /^Kalem webhook: /);
    });

  it('wrong or missing call_id / status -> invalid', () => {
    for (const body of [
      { call_id: 42, status: 'ringing' },
      { call_id: '', status: 'ringing' },
      { call_id: CALL_ID },
      { call_id: CALL_ID, status: 7 },
      { status: 'ringing' },
    ])
      assert.equal(parse(body).kind, 'invalid', JSON.stringify(body));
  });

  it('odd field types inside a Kalem-shaped body are tolerated, not thrown on', () => {
    const body = {
      call_id: CALL_ID,
      status: 'ringing',
      transcriptions: 'x',
      metadata: [1],
      ended_at: { a: 1 },
      cost: 'abc',
      to_number: 5,
    };
    const { call, occurredAt, reference } = observe(body);
    assert.equal(occurredAt, null);
    assert.equal(reference, null);
    assert.equal(call.status, 'ringing');
    assert.equal('metadata' in call || 'to' in call || 'cost' in call, false);
  });

  it('a request without a body buffer -> invalid', () => {
    assert.equal(parseKalemWebhook({ headers: {}, rawBody: undefined as never, pathToken: null }).kind, 'invalid');
  });
});

describe('verifyKalemWebhook', () => {
  const verify = (secretHeader: string | null, secret = fx.WEBHOOK_SECRET, body: unknown = fx.statusRinging) =>
    verifyKalemWebhook(fx.kalemWebhookRequest(body, secretHeader), secret);

  it('every fixture verifies with the right secret and fails with a wrong one', () => {
    assert.ok(ALL_FIXTURES.length >= 10);
    for (const [name, body] of ALL_FIXTURES) {
      assert.deepEqual(verify(fx.WEBHOOK_SECRET, fx.WEBHOOK_SECRET, body), { ok: true }, name);
      assert.deepEqual(
        verify(fx.WEBHOOK_SECRET, 'whsec_other_connection', body),
        { ok: false, reason: 'bad_signature' },
        name,
      );
    }
  });

  it('missing or empty header -> missing_signature', () => {
    assert.deepEqual(verify(null), { ok: false, reason: 'missing_signature' });
    assert.deepEqual(verify(''), { ok: false, reason: 'missing_signature' });
    assert.deepEqual(
      verifyKalemWebhook({ headers: {}, rawBody: Buffer.alloc(0), pathToken: null }, fx.WEBHOOK_SECRET),
      { ok: false, reason: 'missing_signature' },
    );
    assert.deepEqual(
      verifyKalemWebhook({ headers: undefined as never, rawBody: Buffer.alloc(0), pathToken: null }, fx.WEBHOOK_SECRET),
      { ok: false, reason: 'missing_signature' },
    );
  });

  it('garbage, prefixes, extensions and other lengths -> bad_signature, never a throw', () => {
    const s = fx.WEBHOOK_SECRET;
    for (const value of [
      'x',
      s.slice(0, -1),
      `${s}0`,
      s.toUpperCase(),
      `Bearer ${s}`,
      '\u0000\u00ff\ud83d\ude00',
      'a'.repeat(100_000),
    ])
      assert.deepEqual(verify(value), { ok: false, reason: 'bad_signature' }, value.slice(0, 20));
  });

  it('a repeated header (array) is not what Kalem sends', () => {
    const request = fx.kalemWebhookRequest(fx.statusRinging);
    (request.headers as Record<string, unknown>)['x-switchboard-webhook-secret'] = [
      fx.WEBHOOK_SECRET,
      fx.WEBHOOK_SECRET,
    ];
    assert.deepEqual(verifyKalemWebhook(request, fx.WEBHOOK_SECRET), { ok: false, reason: 'missing_signature' });
  });

  it('an empty connection secret never verifies', () => {
    assert.deepEqual(verify('anything', ''), { ok: false, reason: 'bad_signature' });
  });

  it('the header proves the sender, not the body: a tampered body with the right header still passes', () => {
    // Kalem offers no body signature; this pins the scheme's known limit so a change is noticed.
    const tampered = fx.kalemWebhookRequest(
      null,
      fx.WEBHOOK_SECRET,
      Buffer.from(JSON.stringify({ ...fx.statusRinging, status: 'completed' })),
    );
    assert.deepEqual(verifyKalemWebhook(tampered, fx.WEBHOOK_SECRET), { ok: true });
    assert.deepEqual(verifyKalemWebhook(tampered, 'whsec_other_connection'), { ok: false, reason: 'bad_signature' });
  });
});

describe('toKalemWebhookFields', () => {
  it('sends both kinds to the one URL by POST, each with the secret header', () => {
    const header = [{ key: KALEM_WEBHOOK_SECRET_HEADER, value: 's3cr3t' }];
    assert.deepEqual(toKalemWebhookFields({ url: 'https://gw.example.com/webhooks/kalem/conn_1', secret: 's3cr3t' }), {
      call_status_webhook_url: 'https://gw.example.com/webhooks/kalem/conn_1',
      call_status_webhook_method: 'POST',
      call_status_webhook_headers: header,
      post_call_webhook_url: 'https://gw.example.com/webhooks/kalem/conn_1',
      post_call_webhook_method: 'POST',
      post_call_webhook_headers: header,
    });
  });
});
