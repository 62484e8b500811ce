import { createHmac } from 'node:crypto';
import type { Vendor } from './calls';

/**
 * Each vendor's webhooks for one call, as that vendor sends them: the payload shapes and the
 * order of the simulators' lifecycles (libs/simulators/src/<vendor>/*lifecycle*, *webhooks*),
 * which follow docs/vendors/ and the adapters' fixtures. Bodies are raw JSON strings, and
 * `deliver` signs and POSTs them to the gateway the way the vendor would.
 *
 * Vendor times come from a fixed schedule (seconds after `t0`), and no fact but the call id
 * depends on the call (recording URLs are fixed), so every call of one vendor and outcome
 * carries the very same vendor facts and two calls can be compared field by field.
 */

export type Status = 'queued' | 'ringing' | 'in_progress' | 'completed' | 'failed' | 'no_answer' | 'busy' | 'canceled';

/**
 * What happened at the vendor. `*_as_failed`: Kalem reports a bare `failed` in its status
 * webhook and says why (USER_BUSY, NO_USER_RESPONSE) only in the post-call payload
 * (kalem __fixtures__ postCallFailedBusy / postCallFailedNoAnswer), so the gateway refines.
 */
export type Scenario = 'completed' | 'no_answer' | 'busy' | 'failed' | 'no_answer_as_failed' | 'busy_as_failed';

export const SCENARIOS: Record<Vendor, readonly Scenario[]> = {
  kalem: ['completed', 'no_answer', 'busy', 'failed', 'no_answer_as_failed', 'busy_as_failed'],
  klen: ['completed', 'no_answer', 'busy', 'failed'],
  kaicalls: ['completed', 'no_answer', 'busy', 'failed'],
  hmsovereign: ['completed', 'no_answer', 'busy', 'failed'],
};

export interface VendorWebhook {
  /** Unique within one sequence, e.g. `call_status:ringing`; what a counterexample shows. */
  label: string;
  body: string;
  /** The normalized status this webhook reports, if any. */
  reports: Status | null;
}

/** The call's fields the properties compare, as GET /v1/calls/:id shows them. */
export const FACT_FIELDS = [
  'status',
  'end_reason',
  'provider_end_reason',
  'error',
  'duration_seconds',
  'answered_at',
  'ended_at',
  'recording_url',
  'summary',
  'transcript',
  'cost',
] as const;
export type Facts = Record<(typeof FACT_FIELDS)[number], unknown>;

export interface CleanSequence {
  webhooks: VendorWebhook[];
  /** What the vendor's own facts say the call ends as (see the spec for what is asserted of it). */
  facts: Facts;
}

/** The gateway's call as the vendor knows it. */
export interface KnownCall {
  /** The gateway id (Kalem echoes it in `metadata`). */
  id: string;
  providerCallId: string;
  to: string;
  from: string | null;
  /** The sandbox agent's id at the vendor. */
  providerAgentId: string;
}

const SECOND = 1_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** Kalem prints whole seconds with an explicit `+00:00`. */
const kalemTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
/** Klen prints whole seconds with `Z`. */
const klenTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// The schedule, in seconds after t0: dialing, ringing, answer (or giving up), hang-up.
const RING = 1;
const ANSWER = 6;
const TALK = 30;
const HANGUP = ANSWER + TALK;

const base = (s: Scenario) =>
  (s.startsWith('no_answer') ? 'no_answer' : s.startsWith('busy') ? 'busy' : s) as
    'completed' | 'no_answer' | 'busy' | 'failed';

/** The gateway's end reason for an outcome the vendor gave no more precise word for. */
const endReasonOf = (status: Status) => (status === 'failed' ? 'provider_error' : status);

const unanswered = (status: Status, extra: Partial<Facts> = {}): Facts => ({
  status,
  end_reason: endReasonOf(status),
  provider_end_reason: null,
  error: null,
  duration_seconds: null,
  answered_at: null,
  ended_at: null,
  recording_url: null,
  summary: null,
  transcript: null,
  cost: null,
  ...extra,
});

export function cleanSequence(vendor: Vendor, scenario: Scenario, call: KnownCall, t0: number): CleanSequence {
  if (!SCENARIOS[vendor].includes(scenario)) throw new Error(`${vendor} has no scenario ${scenario}`);
  const at = (seconds: number) => t0 + seconds * SECOND;
  switch (vendor) {
    case 'kalem':
      return kalem(scenario, call, at);
    case 'klen':
      return klen(scenario, call, at);
    case 'kaicalls':
      return kaicalls(scenario, call, at);
    case 'hmsovereign':
      return hmsovereign(scenario, call, at);
  }
}

/**
 * Kalem (simulators/kalem/kalem.state.ts `start`): a lightweight call-status webhook at each
 * step (`initiated`, `ringing`, `in-progress`, the end), then the full post-call payload.
 */
function kalem(scenario: Scenario, call: KnownCall, at: (s: number) => number): CleanSequence {
  const outcome = base(scenario);
  const asFailed = scenario.endsWith('_as_failed');
  const metadata = { switchboard_call_id: call.id };
  const status = (status: string, seconds: number, reports: Status): VendorWebhook => ({
    label: `call_status:${status}`,
    reports,
    body: JSON.stringify({
      call_id: call.providerCallId,
      status,
      to_number: call.to,
      from_number: call.from,
      timestamp: kalemTime(at(seconds)),
      metadata,
    }),
  });
  const ringing = [status('initiated', 0, 'queued'), status('ringing', RING, 'ringing')];
  const recordingUrl = 'https://storage.kalem.me/recordings/sandbox-call.mp3';
  if (outcome === 'completed') {
    const transcriptions = [
      { role: 'agent', text: 'Hello, this is Sandbox agent calling from Kalem. Is now a good time?' },
      { role: 'user', text: 'Yes, go ahead.' },
    ];
    const summary = 'Sandbox agent reached the callee and completed the conversation.';
    const postCall = {
      call_id: call.providerCallId,
      status: 'completed',
      to_number: call.to,
      from_number: call.from,
      agent: 'Sandbox agent',
      duration_seconds: TALK,
      duration_minutes: 0.5,
      cost: 0.13,
      realtime_cost: 0.11,
      started_at: kalemTime(at(RING)),
      answered_at: kalemTime(at(ANSWER)),
      ended_at: kalemTime(at(HANGUP)),
      recording_url: recordingUrl,
      hangup_cause: 'NORMAL_CLEARING',
      summary,
      transcriptions,
      metadata,
    };
    return {
      webhooks: [
        ...ringing,
        status('in-progress', ANSWER, 'in_progress'),
        status('completed', HANGUP, 'completed'),
        { label: 'post_call', reports: 'completed', body: JSON.stringify(postCall) },
      ],
      facts: {
        status: 'completed',
        end_reason: 'completed',
        provider_end_reason: 'NORMAL_CLEARING',
        error: null,
        duration_seconds: TALK,
        answered_at: iso(at(ANSWER)),
        ended_at: iso(at(HANGUP)),
        recording_url: recordingUrl,
        summary,
        transcript: transcriptions,
        cost: { amount: 0.13, currency: 'USD' },
      },
    };
  }
  const cause = {
    no_answer: asFailed ? 'NO_USER_RESPONSE' : 'NO_ANSWER',
    busy: 'USER_BUSY',
    failed: 'NORMAL_TEMPORARY_FAILURE',
  }[outcome];
  // The status webhook spells the end `no-answer` / `busy` / `failed`; as_failed: a bare `failed`.
  const spoken = asFailed ? 'failed' : outcome.replace('_', '-');
  const postCall = {
    call_id: call.providerCallId,
    status: asFailed ? 'failed' : outcome,
    to_number: call.to,
    from_number: call.from,
    agent: 'Sandbox agent',
    duration_seconds: null,
    duration_minutes: null,
    cost: null,
    realtime_cost: null,
    started_at: kalemTime(at(RING)),
    answered_at: null,
    ended_at: kalemTime(at(ANSWER)),
    recording_url: null,
    hangup_cause: cause,
    summary: null,
    transcriptions: [],
    metadata,
  };
  return {
    webhooks: [
      ...ringing,
      status(spoken, ANSWER, asFailed ? 'failed' : outcome),
      { label: 'post_call', reports: outcome, body: JSON.stringify(postCall) },
    ],
    facts: unanswered(outcome, {
      provider_end_reason: cause,
      error:
        outcome === 'failed' ? { code: 'provider_error', message: `Kalem reported the call failed (${cause}).` } : null,
      ended_at: iso(at(ANSWER)),
    }),
  };
}

/**
 * Klen (simulators/klen/klen.lifecycle.ts, klen.views.ts `webhookPayload`): no ringing event;
 * `call.started` when answered, `call.ended`, then transcript, summary and recording, each
 * repeating the call as it is by then. An unanswered call gets one `call.failed` with its reason.
 */
function klen(scenario: Scenario, call: KnownCall, at: (s: number) => number): CleanSequence {
  const outcome = base(scenario);
  const agentId = /^\d+$/.test(call.providerAgentId) ? Number(call.providerAgentId) : 1;
  const state: Record<string, unknown> = {
    id: 4242,
    klen_call_id: call.providerCallId,
    agent_id: agentId,
    agent_name: 'Sandbox agent',
    status: 'queued',
    type: 'outbound',
    phone_number: call.to,
    started_at: null,
    ended_at: null,
    duration_seconds: null,
    summary: null,
    duration: null,
  };
  const event = (
    type: string,
    seconds: number,
    reports: Status,
    extra: Record<string, unknown> = {},
  ): VendorWebhook => ({
    label: type,
    reports,
    body: JSON.stringify({ event_type: type, call: { ...state, ...extra }, timestamp: klenTime(at(seconds)) }),
  });
  if (outcome !== 'completed') {
    const reason = { no_answer: 'no-answer', busy: 'busy', failed: 'failed' }[outcome];
    Object.assign(state, { status: 'failed', ended_at: klenTime(at(ANSWER)), duration_seconds: 0, duration: 0 });
    return {
      webhooks: [event('call.failed', ANSWER, outcome, { failure_reason: reason })],
      facts: unanswered(outcome, {
        provider_end_reason: reason,
        error: outcome === 'failed' ? { code: 'provider_error', message: 'The call failed.' } : null,
        duration_seconds: 0,
        ended_at: iso(at(ANSWER)),
      }),
    };
  }
  const transcript = 'Agent: Hi there, this is Sandbox agent. Do you have a minute?\nCustomer: Yes, go ahead.';
  const summary = 'The customer agreed to renew on the same terms (30 s call).';
  const recordingUrl = 'https://storage.klen.ai/recordings/sandbox-call.mp3';
  const webhooks: VendorWebhook[] = [];
  Object.assign(state, { status: 'in-progress', started_at: klenTime(at(ANSWER)) });
  webhooks.push(event('call.started', ANSWER, 'in_progress', { assistant_id: call.providerAgentId }));
  Object.assign(state, { status: 'completed', ended_at: klenTime(at(HANGUP)), duration_seconds: TALK, duration: TALK });
  webhooks.push(event('call.ended', HANGUP, 'completed'));
  webhooks.push(event('call.transcript', HANGUP + 2, 'completed', { transcript }));
  state.summary = summary;
  webhooks.push(event('call.summary', HANGUP + 3, 'completed'));
  webhooks.push(event('call.recording', HANGUP + 5, 'completed', { recording_url: recordingUrl }));
  return {
    webhooks,
    facts: {
      status: 'completed',
      end_reason: 'completed',
      provider_end_reason: null,
      error: null,
      duration_seconds: TALK,
      answered_at: iso(at(ANSWER)),
      ended_at: iso(at(HANGUP)),
      recording_url: recordingUrl,
      summary,
      transcript: [
        { role: 'agent', text: 'Hi there, this is Sandbox agent. Do you have a minute?' },
        { role: 'user', text: 'Yes, go ahead.' },
      ],
      // Klen's webhooks carry no billing; the cost comes only from a read.
      cost: null,
    },
  };
}

/** KaiCalls (simulators/kaicalls/kaicalls.webhooks.ts `callEvent`): one event, when the call ends. */
function kaicalls(scenario: Scenario, call: KnownCall, at: (s: number) => number): CleanSequence {
  const outcome = base(scenario);
  if (outcome === 'completed') {
    const recordingUrl = 'https://storage.vapi.ai/sandbox-call-recording.wav';
    const summary = `Spoke with ${call.to}; conversation completed.`;
    const body = {
      event: 'call.completed',
      call_id: call.providerCallId,
      status: 'completed',
      duration: TALK,
      recording_url: recordingUrl,
      summary,
      timestamp: iso(at(HANGUP)),
    };
    return {
      webhooks: [{ label: 'call.completed', reports: 'completed', body: JSON.stringify(body) }],
      facts: {
        ...unanswered('completed'),
        duration_seconds: TALK,
        ended_at: iso(at(HANGUP)),
        recording_url: recordingUrl,
        summary,
      },
    };
  }
  const body = {
    event: 'call.failed',
    call_id: call.providerCallId,
    status: 'failed',
    error: outcome,
    timestamp: iso(at(ANSWER)),
  };
  return {
    webhooks: [{ label: 'call.failed', reports: outcome, body: JSON.stringify(body) }],
    facts: unanswered(outcome, {
      provider_end_reason: outcome,
      error:
        outcome === 'failed'
          ? { code: 'provider_error', message: 'KaiCalls reported the call as failed (failed).' }
          : null,
      ended_at: iso(at(ANSWER)),
    }),
  };
}

/**
 * HMS Sovereign (simulators/hmsovereign/hmsovereign.lifecycle.ts): `status-update` in-progress
 * and ended, then the end-of-call report; an unanswered call gets one `ended-with-error`.
 */
function hmsovereign(scenario: Scenario, call: KnownCall, at: (s: number) => number): CleanSequence {
  const outcome = base(scenario);
  const envelope = (type: string, seconds: number, status: string) => ({
    type,
    timestamp: iso(at(seconds)),
    call: { id: call.providerCallId, type: 'outbound_phone_call', status },
    phone_number: { number: call.from ?? '+31201234567', name: 'Sandbox' },
    customer: { number: call.to },
  });
  if (outcome !== 'completed') {
    const error = { no_answer: 'SIP 480 no answer', busy: 'SIP 486 busy', failed: 'SIP 503 service unavailable' }[
      outcome
    ];
    const body = { message: { ...envelope('status-update', ANSWER, 'ended-with-error'), error } };
    return {
      webhooks: [{ label: 'status-update:ended-with-error', reports: outcome, body: JSON.stringify(body) }],
      facts: unanswered(outcome, {
        provider_end_reason: error,
        error: outcome === 'failed' ? { code: 'provider_error', message: error } : null,
        ended_at: iso(at(ANSWER)),
      }),
    };
  }
  const recordingUrl = 'https://storage.hmsovereign.com/recordings/outbound-sandbox.ogg';
  const summary = `Uitgaand gesprek met ${call.to} afgerond na ${TALK} seconden.`;
  const messages = [
    { role: 'assistant', content: 'Goedemiddag, u spreekt met de assistent.' },
    { role: 'user', content: 'Ja, dat komt goed uit. Dank u wel.' },
  ];
  const report = {
    message: {
      ...envelope('end-of-call-report', HANGUP + 2, 'ended'),
      duration_seconds: TALK,
      summary,
      messages,
      recording_url: recordingUrl,
    },
  };
  return {
    webhooks: [
      {
        label: 'status-update:in-progress',
        reports: 'in_progress',
        body: JSON.stringify({ message: envelope('status-update', ANSWER, 'in-progress') }),
      },
      {
        label: 'status-update:ended',
        reports: 'completed',
        body: JSON.stringify({ message: envelope('status-update', HANGUP, 'ended') }),
      },
      { label: 'end-of-call-report', reports: 'completed', body: JSON.stringify(report) },
    ],
    facts: {
      status: 'completed',
      end_reason: 'completed',
      provider_end_reason: null,
      error: null,
      duration_seconds: TALK,
      answered_at: iso(at(ANSWER)),
      ended_at: iso(at(HANGUP)),
      recording_url: recordingUrl,
      summary,
      transcript: [
        { role: 'agent', text: messages[0].content },
        { role: 'user', text: messages[1].content },
      ],
      cost: null,
    },
  };
}

export interface WebhookEndpoint {
  /** The gateway's origin. */
  gatewayUrl: string;
  vendor: Vendor;
  connectionId: string;
  /** The connection's webhook secret (WebhookTargets.secretOf). */
  secret: string;
}

/** The URL and headers the vendor would use for this body, signed now. */
export function signedRequest(
  endpoint: WebhookEndpoint,
  body: string,
  now = new Date(),
): { url: string; headers: Record<string, string> } {
  const { gatewayUrl, vendor, connectionId, secret } = endpoint;
  const url = `${gatewayUrl}/webhooks/${vendor}/${connectionId}`;
  switch (vendor) {
    case 'kalem':
      // Kalem signs nothing: it echoes the header the gateway set on create.
      return {
        url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GuzzleHttp/7',
          accept: 'application/json',
          'X-Switchboard-Webhook-Secret': secret,
        },
      };
    case 'klen':
      return {
        url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Klen-Webhooks/1.0',
          'X-Klen-Signature': createHmac('sha256', secret).update(body).digest('hex'),
        },
      };
    case 'kaicalls':
      // Unsigned; the secret is the URL's last path segment.
      return {
        url: `${url}/${secret}`,
        headers: { 'content-type': 'application/json', 'user-agent': 'KaiCalls-Webhooks/1.0' },
      };
    case 'hmsovereign': {
      // Every delivery (a retry too) is signed with the time it is sent.
      const timestamp = String(Math.floor(now.getTime() / 1000));
      return {
        url,
        headers: {
          'content-type': 'application/json',
          'User-Assistant': 'HMS-Sovereign/1.0',
          'X-Webhook-Event': (JSON.parse(body) as { message: { type: string } }).message.type,
          'X-Webhook-Timestamp': timestamp,
          'X-Webhook-Signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
        },
      };
    }
  }
}

/** POSTs one webhook as the vendor would; the status and parsed body of the gateway's answer. */
export async function deliver(
  endpoint: WebhookEndpoint,
  body: string,
): Promise<{ status: number; body: any; text: string }> {
  const { url, headers } = signedRequest(endpoint, body);
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, text };
}
