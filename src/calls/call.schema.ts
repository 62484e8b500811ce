import {
  CALL_ERROR_CODE_DESCRIPTIONS,
  CALL_ERROR_CODES,
  CALL_STATUSES,
  END_REASON_DESCRIPTIONS,
  END_REASONS,
} from '@switchboard/core';
import type { SchemaObject } from '@nestjs/swagger';
import {
  anyObject,
  arrayOf,
  bool,
  constant,
  integer,
  listOf,
  nullableRef,
  nullableText,
  nullableTime,
  object,
  ref,
  stringMap,
  text,
  time,
} from '../common/api-docs';

const EXAMPLE_CALL = {
  id: 'call_01jgz6a3x4e5f6g7h8j9k0m1n2',
  object: 'call',
  direction: 'outbound',
  status: 'completed',
  provider_status: 'ended',
  provider: 'hmsovereign',
  connection_id: 'con_01jgz5z9c8b7a6s5d4f3g2h1j0',
  provider_call_id: 'hms_8841',
  agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0',
  to: '+15550102030',
  from: '+15550109999',
  customer: { name: 'Ada Lovelace' },
  context: null,
  first_message: null,
  variables: null,
  metadata: { order_id: 'A-1001' },
  record: true,
  max_duration_seconds: null,
  webhook_url: null,
  duration_seconds: 42,
  cost: { amount: 0.19, currency: 'USD' },
  created_at: '2026-01-05T14:03:11.000Z',
  started_at: '2026-01-05T14:03:12.000Z',
  answered_at: '2026-01-05T14:03:15.000Z',
  ended_at: '2026-01-05T14:03:57.000Z',
  updated_at: '2026-01-05T14:04:02.000Z',
  end_reason: 'customer_hangup',
  provider_end_reason: 'customer-ended-call',
  error: null,
  recording_url: null,
  summary: 'Confirmed the appointment for Tuesday.',
  transcript: [{ role: 'agent', text: 'Hello Ada!' }],
  analysis: null,
  attempts: [
    {
      connection_id: 'con_01jgz5z9c8b7a6s5d4f3g2h1j0',
      provider: 'hmsovereign',
      outcome: 'created',
      error_code: null,
      at: '2026-01-05T14:03:11.000Z',
    },
  ],
  warnings: [],
};

const Attempt = object(
  {
    connection_id: text(),
    provider: text(),
    outcome: {
      type: 'string',
      enum: ['created', 'failed', 'skipped', 'ambiguous'],
      description: 'ambiguous: sent, but the vendor did not say whether it placed the call (see the reconciler)',
    },
    error_code: nullableText(
      "The gateway's error code, or the reason a connection was skipped (`circuit_open`, `rate_budget`, …)",
    ),
    at: time(),
  },
  { description: 'One connection tried (or skipped) while placing the call, in order' },
);

const Call: SchemaObject = object(
  {
    id: text('`call_…`'),
    object: constant('call'),
    direction: { type: 'string', enum: ['outbound', 'inbound'] },
    status: ref('CallStatus'),
    provider_status: nullableText("The vendor's own status word, kept as it said it"),
    provider: nullableText('Vendor name; null until a connection took the call'),
    connection_id: nullableText(),
    provider_call_id: nullableText("The call's id at the vendor"),
    agent_id: nullableText(),
    to: text('E.164, or a `sip:` URI'),
    from: nullableText(),
    customer: { ...object({ name: text(), email: text() }, { optional: ['name', 'email'] }), nullable: true },
    context: nullableText(),
    first_message: nullableText(),
    variables: { ...stringMap(), nullable: true },
    metadata: stringMap(),
    record: bool(),
    max_duration_seconds: integer(undefined, { nullable: true }),
    webhook_url: nullableText(),
    duration_seconds: integer(undefined, { nullable: true }),
    cost: nullableRef('Money'),
    created_at: time(),
    started_at: nullableTime(),
    answered_at: nullableTime(),
    ended_at: nullableTime(),
    updated_at: time(),
    end_reason: nullableRef(
      'EndReason',
      "Why it ended, in the gateway's closed vocabulary; null while the call is live",
    ),
    provider_end_reason: nullableText(
      "The vendor's own value `end_reason` was mapped from, verbatim; null when the vendor gave none or the gateway settled the call itself",
    ),
    error: {
      ...object({ code: ref('CallErrorCode'), message: text("The vendor's words where it gave any") }),
      nullable: true,
      description: 'Set on `failed` calls only',
    },
    recording_url: nullableText(),
    summary: nullableText(),
    transcript: {
      ...arrayOf(object({ role: text(), text: text(), at: time() }, { optional: ['at'] })),
      nullable: true,
    },
    analysis: { ...anyObject('Vendor analysis, as given'), nullable: true },
    attempts: arrayOf(Attempt),
    warnings: arrayOf(
      object({ field: text('The request field, e.g. `record`, `customer.email`'), message: text() }),
      'Options of the request the chosen vendor does not act on, said instead of dropped silently',
    ),
  },
  { example: EXAMPLE_CALL },
);

export const CALL_SCHEMAS: Record<string, SchemaObject> = {
  CallStatus: {
    type: 'string',
    enum: [...CALL_STATUSES],
    description:
      'completed, failed, no_answer, busy and canceled are terminal: a terminal call never changes status again',
  },
  EndReason: { type: 'string', enum: [...END_REASONS], description: bulletList(END_REASON_DESCRIPTIONS) },
  CallErrorCode: { type: 'string', enum: [...CALL_ERROR_CODES], description: bulletList(CALL_ERROR_CODE_DESCRIPTIONS) },
  Money: object({ amount: { type: 'number' }, currency: text(undefined, { example: 'USD' }) }),
  Call,
  CallList: listOf('Call'),
  CallBatch: object(
    {
      data: arrayOf(
        { oneOf: [ref('Call'), ref('CallBatchError')] },
        'One element per `to`, in order: the call, or why that number could not be placed',
      ),
    },
    { description: 'The answer to a create with `to` as an array' },
  ),
  CallBatchError: object({
    object: constant('error'),
    to: text(),
    error: object({ code: ref('ErrorCode'), message: text(), details: arrayOf({}) }),
  }),
  CallTimeline: object({ data: arrayOf(ref('Event'), 'Oldest first') }),
};

/** One `- value: meaning` line per member, so the reference shows what each value means. */
function bulletList(descriptions: Record<string, string>): string {
  return Object.entries(descriptions)
    .map(([value, meaning]) => `- \`${value}\`: ${meaning}`)
    .join('\n');
}
