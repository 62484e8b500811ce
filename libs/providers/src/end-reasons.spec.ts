import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderCall } from '@switchboard/core';
import { CALL_ERROR_CODES, END_REASONS, isTerminal } from '@switchboard/core';
import * as hmsDocs from '@switchboard/vendor-docs/hmsovereign.examples';
import * as kaiDocs from '@switchboard/vendor-docs/kaicalls.examples';
import * as kalemDocs from '@switchboard/vendor-docs/kalem.examples';
import * as klenDocs from '@switchboard/vendor-docs/klen.examples';
import { fromHmsSovereignCall } from './hmsovereign/hmsovereign.mappers';
import { toProviderCall } from './kaicalls/kaicalls.mappers';
import { mapKalemCall } from './kalem/kalem.mappers';
import { mapKlenCall } from './klen/klen.mappers';

/**
 * Every outcome each vendor documents (its notes' status tables, failure reasons and example
 * payloads), through that vendor's call mapper: the gateway's end reason must be the one
 * named here, from the closed list, with the raw value kept beside it. One row per outcome:
 * [what it is, the mapped call, status, end reason, raw value kept].
 */
type Row = [
  label: string,
  call: ProviderCall,
  status: string,
  endReason: string | null,
  providerEndReason: string | null,
];

const kalem = (status: string, hangup_cause: string | null = null) =>
  mapKalemCall({ call_id: 'k1', status, hangup_cause, ended_at: isLive(status) ? null : '2025-03-01T09:01:37+00:00' });
const isLive = (status: string) => ['pending', 'initiated', 'ringing', 'in_progress', 'in-progress'].includes(status);

const KALEM: Row[] = [
  // Call object, list filter and status-webhook spellings.
  ['pending', kalem('pending'), 'queued', null, null],
  ['initiated (webhook prose)', kalem('initiated'), 'queued', null, null],
  ['ringing', kalem('ringing'), 'ringing', null, null],
  ['in_progress', kalem('in_progress'), 'in_progress', null, null],
  ['in-progress (list filter)', kalem('in-progress'), 'in_progress', null, null],
  [
    'completed + NORMAL_CLEARING (the one documented cause)',
    kalem('completed', 'NORMAL_CLEARING'),
    'completed',
    'completed',
    'NORMAL_CLEARING',
  ],
  ['completed without a cause', kalem('completed'), 'completed', 'completed', null],
  ['no_answer + NO_ANSWER', kalem('no_answer', 'NO_ANSWER'), 'no_answer', 'no_answer', 'NO_ANSWER'],
  ['busy + USER_BUSY', kalem('busy', 'USER_BUSY'), 'busy', 'busy', 'USER_BUSY'],
  ['cancelled (list filter)', kalem('cancelled'), 'canceled', 'canceled', null],
  ['failed without a cause', kalem('failed'), 'failed', 'provider_error', null],
  ['failed + USER_BUSY', kalem('failed', 'USER_BUSY'), 'busy', 'busy', 'USER_BUSY'],
  ['failed + NO_ANSWER', kalem('failed', 'NO_ANSWER'), 'no_answer', 'no_answer', 'NO_ANSWER'],
  ['failed + NO_USER_RESPONSE', kalem('failed', 'NO_USER_RESPONSE'), 'no_answer', 'no_answer', 'NO_USER_RESPONSE'],
  [
    'failed + NORMAL_TEMPORARY_FAILURE',
    kalem('failed', 'NORMAL_TEMPORARY_FAILURE'),
    'failed',
    'provider_error',
    'NORMAL_TEMPORARY_FAILURE',
  ],
  ['failed + CALL_REJECTED', kalem('failed', 'CALL_REJECTED'), 'failed', 'rejected', 'CALL_REJECTED'],
  [
    'failed + UNALLOCATED_NUMBER',
    kalem('failed', 'UNALLOCATED_NUMBER'),
    'failed',
    'invalid_number',
    'UNALLOCATED_NUMBER',
  ],
  ['example Call object', mapKalemCall(kalemDocs.callObject), 'completed', 'completed', 'NORMAL_CLEARING'],
  ['example post-call webhook', mapKalemCall(kalemDocs.postCallWebhook), 'completed', 'completed', 'NORMAL_CLEARING'],
  ['an undocumented cause', kalem('failed', 'INTERWORKING'), 'failed', 'unknown', 'INTERWORKING'],
  ['an undocumented status that has ended', kalem('vanished'), 'failed', 'provider_error', null],
];

const klen = (status: string, failure_reason?: string) =>
  mapKlenCall({ call_id: 'c1', status, ...(failure_reason ? { failure_reason } : {}) });
const KLEN_REASONS: Record<(typeof klenDocs.failureReasons)[number], [string, string]> = {
  'twilio-failed-to-connect-call': ['failed', 'provider_error'],
  'no-answer': ['no_answer', 'no_answer'],
  busy: ['busy', 'busy'],
  disconnected: ['failed', 'provider_error'],
  'invalid-number': ['failed', 'invalid_number'],
  rejected: ['busy', 'rejected'],
  canceled: ['canceled', 'canceled'],
  failed: ['failed', 'provider_error'],
};
const KLEN: Row[] = [
  ['queued', klen('queued'), 'queued', null, null],
  ['in-progress', klen('in-progress'), 'in_progress', null, null],
  ['completed', klen('completed'), 'completed', 'completed', null],
  ['failed, read over REST (no reason)', klen('failed'), 'failed', 'provider_error', null],
  // The test fails if the notes list a reason this table does not name.
  ...klenDocs.failureReasons.map((reason): Row => [
    `failed + ${reason}`,
    klen('failed', reason),
    ...KLEN_REASONS[reason],
    reason,
  ]),
  ['example call detail', mapKlenCall(klenDocs.callDetailResponse), 'completed', 'completed', null],
  ['example call.ended webhook', mapKlenCall(klenDocs.callEndedWebhook.call), 'completed', 'completed', null],
  ['an undocumented reason', klen('failed', 'carrier-strike'), 'failed', 'unknown', 'carrier-strike'],
];

const kai = (status: string, error?: string) => toProviderCall({ id: 'c1', status, ...(error ? { error } : {}) });
const KAICALLS: Row[] = [
  ['queued', kai('queued'), 'queued', null, null],
  ['ringing (the SDK treats it as live)', kai('ringing'), 'ringing', null, null],
  ['in-progress', kai('in-progress'), 'in_progress', null, null],
  ['started', kai('started'), 'in_progress', null, null],
  ['completed', kai('completed'), 'completed', 'completed', null],
  ['failed + no_answer (documented)', kai('failed', 'no_answer'), 'no_answer', 'no_answer', 'no_answer'],
  ['failed + busy', kai('failed', 'busy'), 'busy', 'busy', 'busy'],
  ['failed + failed', kai('failed', 'failed'), 'failed', 'provider_error', 'failed'],
  ['failed + voicemail', kai('failed', 'voicemail'), 'failed', 'voicemail', 'voicemail'],
  ['failed without an error', kai('failed'), 'failed', 'provider_error', null],
  ['example call.completed webhook', toProviderCall(kaiDocs.callCompletedWebhook), 'completed', 'completed', null],
  ['example call.failed webhook', toProviderCall(kaiDocs.callFailedWebhook), 'no_answer', 'no_answer', 'no_answer'],
  ['an undocumented error', kai('failed', 'sip_trunk_melted'), 'failed', 'unknown', 'sip_trunk_melted'],
];

const hms = (status: string, error: string | null = null, end_reason: string | null = null) =>
  fromHmsSovereignCall({ id: 'h1', status, error, end_reason });
const HMS: Row[] = [
  ['dialing (create response)', hms('dialing'), 'ringing', null, null],
  ['connecting', hms('connecting'), 'ringing', null, null],
  ['in-progress', hms('in-progress'), 'in_progress', null, null],
  ['ended', hms('ended'), 'completed', 'completed', null],
  [
    'failed + "SIP 486 busy" (the list example)',
    fromHmsSovereignCall(hmsDocs.listCallsResponse.calls[0]),
    'busy',
    'busy',
    'SIP 486 busy',
  ],
  ['failed + "SIP 480 no answer"', hms('failed', 'SIP 480 no answer'), 'no_answer', 'no_answer', 'SIP 480 no answer'],
  ['failed + a timeout', hms('failed', 'ring timeout'), 'no_answer', 'no_answer', 'ring timeout'],
  [
    'failed + "SIP 503 service unavailable"',
    hms('failed', 'SIP 503 service unavailable'),
    'failed',
    'provider_error',
    'SIP 503 service unavailable',
  ],
  ['failed without text', hms('failed'), 'failed', 'provider_error', null],
  [
    'ended-with-error + "STT connection failed" (the status-update example)',
    fromHmsSovereignCall({
      ...hmsDocs.statusUpdateWebhook.message.call,
      error: hmsDocs.statusUpdateWebhook.message.error,
    }),
    'failed',
    'provider_error',
    'STT connection failed',
  ],
  [
    'ended + end_reason customer-ended-call',
    hms('ended', null, 'customer-ended-call'),
    'completed',
    'customer_hangup',
    'customer-ended-call',
  ],
  [
    'ended + end_reason assistant-ended-call',
    hms('ended', null, 'assistant-ended-call'),
    'completed',
    'agent_hangup',
    'assistant-ended-call',
  ],
  [
    'ended + end_reason exceeded-max-duration',
    hms('ended', null, 'exceeded-max-duration'),
    'completed',
    'max_duration',
    'exceeded-max-duration',
  ],
  ['an undocumented end_reason', hms('ended', null, 'solar-flare'), 'completed', 'unknown', 'solar-flare'],
];

for (const [vendor, rows] of [
  ['Kalem', KALEM],
  ['Klen AI', KLEN],
  ['KaiCalls', KAICALLS],
  ['HMS Sovereign', HMS],
] as const) {
  describe(`${vendor} outcomes → the gateway's end reasons`, () => {
    for (const [label, call, status, endReason, raw] of rows) {
      it(`${label} → ${status} / ${endReason ?? 'no end reason'}`, () => {
        assert.equal(call.status, status);
        assert.equal(call.endReason, endReason);
        assert.equal(call.providerEndReason, raw);
        if (call.endReason !== null)
          assert.ok(END_REASONS.includes(call.endReason), `${call.endReason} is in the closed list`);
        // A live call has no reason yet; an ended one always has one.
        assert.equal(call.endReason === null, !isTerminal(call.status));
        // Only a failure carries an error, and its code is from the closed list too.
        if (call.status === 'failed')
          assert.ok(call.error && CALL_ERROR_CODES.includes(call.error.code), JSON.stringify(call.error));
        else assert.equal(call.error, null);
      });
    }
  });
}
