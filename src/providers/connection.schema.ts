import { RATE_LIMIT_SCOPES } from '@switchboard/core';
import { PROVIDER_NAMES } from '@switchboard/providers';
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

const rate = (description: string): SchemaObject => ({
  type: 'number',
  nullable: true,
  minimum: 0,
  maximum: 1,
  description,
});

const Health = object(
  {
    circuit: {
      type: 'string',
      enum: ['closed', 'open', 'half_open'],
      description: 'open: refused unasked until circuit_next_probe_at',
    },
    circuit_next_probe_at: nullableTime('When an open circuit lets one probe request through'),
    rate_budget: object(
      {
        remaining: integer(
          'Requests left in the calls window with the least left (the requests windows when the vendor limits no calls); units an instance has leased and not yet sent count as used',
          { nullable: true },
        ),
        reset_at: nullableTime(
          'When that window next frees; while a vendor 429 blocks the connection, the end of the block',
        ),
      },
      { description: "The gateway's own budget for this account, shared by every instance" },
    ),
    last_error: {
      ...object({
        message: text(),
        status: integer('The vendor HTTP status; null when no response came', { nullable: true }),
        at: time(),
      }),
      nullable: true,
    },
    latency_ms_p50: integer('Median vendor latency over the last 200 requests of this instance', { nullable: true }),
    outcomes: object(
      {
        window_seconds: integer(),
        finished: integer('Outbound calls the vendor accepted that finished within the window'),
        answer_rate: rate('Share answered'),
        dial_failure_rate: rate('Share `failed` (no_answer and busy are the callee, not the vendor)'),
        setup_latency_ms_p50: integer('Median created → answered', { nullable: true }),
        demoted: bool('Tried last: dials keep failing although its API answers'),
      },
      { description: 'What the dials did, over the last OUTCOME_WINDOW_SECONDS' },
    ),
  },
  { description: 'Observed health: the API answers (circuit, budget, latency) and the dials (outcomes)' },
);

const Capabilities = object(
  {
    get_call: bool(),
    list_calls: bool(),
    cancel_call: bool(),
    delete_call: bool(),
    control: arrayOf(
      { type: 'string', enum: ['say', 'inject_context', 'transfer', 'end'] },
      'Live-control actions (POST /v1/calls/{id}/control)',
    ),
    list_agents: bool(),
    create_agent: bool(),
    update_agent: bool(),
    delete_agent: bool(),
    list_numbers: bool(),
    sip_destinations: bool('Takes `sip:` URIs as `to`'),
    recording_toggle: bool('Honours `record: false`'),
    rate_limits: arrayOf(
      object({ scope: { type: 'string', enum: [...RATE_LIMIT_SCOPES] }, limit: integer(), window_seconds: integer() }),
      "The vendor's documented windows (a connection's own rate_limits replace or add to them)",
    ),
  },
  { description: 'What the vendor can do: asking for anything else is 422 capability_unsupported' },
);

const Sync = object(
  {
    status: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
    since: nullableTime(),
    started_at: time(),
    finished_at: nullableTime(),
    pages: integer('Vendor pages read'),
    read: integer('Vendor calls read'),
    imported: integer('New calls created here'),
    matched: integer('Calls the gateway already had'),
    error: nullableText(),
  },
  { description: 'The last history import (POST /v1/providers/{id}/sync)' },
);

export const CONNECTION_SCHEMAS: Record<string, SchemaObject> = {
  ConnectionHealth: Health,
  Capabilities,
  ProviderSyncState: Sync,
  Connection: object({
    id: text('`con_…`'),
    object: constant('provider_connection'),
    provider: { type: 'string', enum: [...PROVIDER_NAMES] },
    name: text(),
    base_url: text("The vendor's API root (credentials are write-only and never shown)"),
    defaults: stringMap('number_id, trunk_id, from'),
    priority: integer('Lower is tried first'),
    weight: integer(),
    cost_per_minute: { type: 'number', nullable: true },
    rate_limits: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'Overrides of the vendor windows, `<scope>_per_<period>`',
    },
    enabled: bool(),
    origin: {
      type: 'string',
      enum: ['api', 'config', 'sandbox'],
      description: 'config: declared in the config file, updated at every start',
    },
    capabilities: ref('Capabilities'),
    health: ref('ConnectionHealth'),
    sync: nullableRef('ProviderSyncState'),
    created_at: time(),
    updated_at: time(),
  }),
  ConnectionList: listOf('Connection'),
  ProviderSync: {
    allOf: [ref('ProviderSyncState'), object({ object: constant('provider_sync'), connection_id: text() })],
  },
  VendorAgentList: object({
    data: arrayOf(
      object({
        object: constant('vendor_agent'),
        provider_agent_id: text(),
        name: text(),
        details: anyObject('Vendor fields, as given'),
      }),
    ),
  }),
  VendorNumberList: object({
    data: arrayOf(
      object({
        object: constant('vendor_number'),
        provider_number_id: text(),
        number: text('E.164'),
        provider_agent_id: nullableText('The vendor agent the number answers with'),
        details: anyObject('Vendor fields, as given'),
      }),
    ),
  }),
};
