/**
 * HMS Sovereign webhook bodies. The status-update envelope is the vendor's documented
 * example (via @switchboard/vendor-docs); the others are built from the documented event
 * fields plus the SDK payload types (`messages`, `recording_url`), with the docs' example data.
 */
import * as hms from '@switchboard/vendor-docs/hmsovereign.examples';

const CALL_ID = '5c4d030f-43e3-4e65-899e-8148521e660f';
const OWN = { number: '+31201234567', name: 'Tandarts Jansen' };
const CUSTOMER = { number: '+31687654321' };
const outboundCall = (status: string) => ({ id: CALL_ID, type: 'outbound_phone_call', status });

/** Webhook page, verbatim: an inbound call that ended with an error mid-call. */
export const documentedStatusUpdate = hms.statusUpdateWebhook;

/** The call was answered. */
export const inProgress = {
  message: {
    type: 'status-update',
    timestamp: '2026-01-10T09:00:07.000Z',
    call: outboundCall('in-progress'),
    phone_number: OWN,
    customer: CUSTOMER,
  },
};

/** The conversation ended normally. */
export const ended = {
  message: { ...inProgress.message, timestamp: '2026-01-10T09:02:07.000Z', call: outboundCall('ended') },
};

/** Never answered: the only sign of busy / no answer is the free-text `error`. */
export const endedBusy = {
  message: {
    ...inProgress.message,
    timestamp: '2026-01-10T09:00:14.000Z',
    call: outboundCall('ended-with-error'),
    error: 'SIP 486 busy',
  },
};
export const endedNoAnswer = {
  message: { ...endedBusy.message, timestamp: '2026-01-10T09:00:40.000Z', error: 'SIP 480 no answer' },
};

/** After the call, once summary and analysis are done (later than the `ended` update). */
export const endOfCallReport = {
  message: {
    type: 'end-of-call-report',
    timestamp: '2026-01-10T09:02:09.000Z',
    call: outboundCall('ended'),
    phone_number: OWN,
    customer: CUSTOMER,
    duration_seconds: 120,
    summary: 'Afspraak gemaakt voor dinsdag 10:00.',
    messages: [
      { role: 'assistant', content: 'Goedemorgen, u spreekt met Tandarts Jansen.' },
      { role: 'user', content: 'Ik wil graag een afspraak maken.' },
    ],
    recording_url: 'https://storage.hmsovereign.com/recordings/outbound-k2m4p6aa.ogg',
    analysis: { structured_data: { appointment_booked: true } },
  },
};

/** The documented minimum: `duration_seconds` and `summary` always, nothing else promised. */
export const minimalEndOfCallReport = {
  message: {
    ...inProgress.message,
    type: 'end-of-call-report',
    call: outboundCall('ended'),
    duration_seconds: 0,
    summary: '',
  },
};

/** The model called a custom tool; the assistant echoes the call's metadata. */
export const toolCalls = {
  message: {
    type: 'tool-calls',
    timestamp: '2026-01-10T09:01:00.000Z',
    call: outboundCall('in-progress'),
    phone_number: OWN,
    customer: CUSTOMER,
    tool_call_list: [
      {
        id: 'call_9f2c4e1a7b3d5f6e8a0b1c2d',
        type: 'function',
        function: { name: 'check_agenda', arguments: { day: 'dinsdag' } },
      },
    ],
    assistant: { first_message: 'Goedemorgen!', metadata: { switchboard_call_id: 'call_01JH5Z' } },
  },
};

/** Before an inbound call on a number without an assistant is answered. */
export const assistantRequest = {
  message: {
    type: 'assistant-request',
    timestamp: '2026-01-10T08:00:00.000Z',
    call: { id: '8a1e7c52-3b0f-4d7e-9c1a-6f2b9d0e4a77', type: 'inbound_phone_call', status: 'ringing' },
    phone_number: { number: '+31201234569' },
    customer: { number: '+31612345678' },
  },
};

export const WEBHOOK_CALL_ID = CALL_ID;

/**
 * A known-answer vector: `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + body), worked
 * out once outside the adapter, so a change to the signing construction cannot pass unnoticed.
 */
export const signedExample = {
  secret: 'whsec_switchboard_test',
  timestamp: '1768035607',
  body: JSON.stringify(inProgress),
  signature: 'sha256=b95b279dff395cd9629734d87d9b17ed2cf0e7a48c3b505cce72aeaadf59cec8',
};
