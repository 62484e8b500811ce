import type { SchemaObject } from '@nestjs/swagger';
import {
  arrayOf,
  bool,
  constant,
  integer,
  nullableText,
  nullableTime,
  object,
  ref,
  text,
  time,
} from '../common/api-docs';
import { EVENT_TYPES } from './event-types';

/** What each unified event type reports; the keys are exactly EVENT_TYPES. */
export const EVENT_TYPE_MEANINGS: Record<(typeof EVENT_TYPES)[number], string> = {
  'call.created': 'A vendor accepted the call (or an inbound or outside call became known)',
  'call.ringing': 'The destination is ringing',
  'call.in_progress': 'Answered; the conversation is running',
  'call.completed': 'Ended after being answered',
  'call.failed': 'Could not be completed; `end_reason` and `error` say why',
  'call.no_answer': 'Rang out unanswered',
  'call.busy': 'The destination was busy',
  'call.canceled': 'Ended through the API before it finished',
  'call.attempt_failed':
    'One connection failed or was skipped while placing the call (see `attempts`); another may still take it',
  'call.recording_ready': '`recording_url` is set',
  'call.transcript_ready': '`transcript` is set',
  'call.summary_ready': '`summary` (and `analysis` where the vendor gives one) is set',
  'call.updated': 'Other fields changed (cost, duration, times) without a status change',
  'call.deleted': 'Deleted through the API; `data.call` has its personal fields blanked',
};

export const EVENT_SCHEMAS: Record<string, SchemaObject> = {
  EventType: {
    type: 'string',
    enum: [...EVENT_TYPES],
    description: Object.entries(EVENT_TYPE_MEANINGS)
      .map(([type, meaning]) => `- \`${type}\`: ${meaning}`)
      .join('\n'),
  },
  Event: object(
    {
      id: text('`evt_…`: the Standard Webhooks `webhook-id` of its deliveries'),
      object: constant('event'),
      type: ref('EventType'),
      sequence: integer('Ascending in commit order: resume with ?after=<last sequence seen>'),
      created_at: time(),
      call_id: nullableText(),
      data: object(
        {
          call: ref('Call'),
          previous_status: { allOf: [ref('CallStatus')], description: 'Present when the status changed' },
          provider: object(
            {
              name: text(),
              source: {
                type: 'string',
                enum: ['create', 'webhook', 'poll', 'reconcile', 'sync', 'gateway'],
                description: 'How the gateway learned it',
              },
              event_type: nullableText("The vendor's own event type"),
              occurred_at: nullableTime("The vendor's own time, null when it gave none"),
              received_at: time('When the gateway received the observation'),
            },
            { description: 'The vendor observation that caused the event; absent before a vendor took the call' },
          ),
        },
        {
          optional: ['previous_status', 'provider'],
          description: 'A snapshot of the call as it was right after the change',
        },
      ),
    },
    {
      example: {
        id: 'evt_01jgz6b7c8d9e0f1g2h3j4k5m6',
        object: 'event',
        type: 'call.ringing',
        sequence: 42,
        created_at: '2026-01-05T14:03:12.100Z',
        call_id: 'call_01jgz6a3x4e5f6g7h8j9k0m1n2',
        data: {
          call: { id: 'call_01jgz6a3x4e5f6g7h8j9k0m1n2', object: 'call', status: 'ringing' },
          previous_status: 'queued',
          provider: {
            name: 'hmsovereign',
            source: 'webhook',
            event_type: 'call.ringing',
            occurred_at: '2026-01-05T14:03:12.000Z',
            received_at: '2026-01-05T14:03:12.090Z',
          },
        },
      },
    },
  ),
  EventList: object({
    data: arrayOf(ref('Event'), 'Ascending by sequence'),
    has_more: bool(),
    next_cursor: nullableText('The last sequence returned (also on an empty page): pass as ?cursor= or ?after='),
  }),
};
