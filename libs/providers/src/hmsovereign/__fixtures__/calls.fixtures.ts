/**
 * HMS Sovereign call payloads (docs/vendors/hmsovereign.md). The payloads shown verbatim
 * there ("seed", call-control page, webhook page) come from @switchboard/vendor-docs; the rest
 * are built here from the documented field lists (seed list fields + the SDK `Call` type) with
 * the seed's example data.
 */
import * as hms from '@switchboard/vendor-docs/hmsovereign.examples';

/** docs/vendors/hmsovereign.md § Endpoints › GET /calls: the vendor's list example, verbatim. */
export const listCallsResponse = hms.listCallsResponse;

/** docs/vendors/hmsovereign.md § Endpoints › POST /calls/outbound: the vendor's create answer, verbatim. */
export const createCallResponse = hms.outboundCallResponse;

/** Call-control page: `POST /calls/{id}/control` 200 response, verbatim. */
export const controlResponse = hms.controlResponse;

/** Call-control page: the documented transfer command, verbatim. */
export const transferCommand = hms.transferCommand;

/** An answered outbound call with every SDK-typed field (`GET /calls/{id}` is the bare list item). */
export const endedOutboundCall = {
  id: 'call-outbound-k2m4p6',
  caller_phone: '+31687654321',
  assistant_phone: '+31201234567',
  status: 'ended',
  error: null,
  started_at: '2026-01-10T09:00:07.000Z',
  ended_at: '2026-01-10T09:02:07.000Z',
  duration_seconds: 120,
  summary: 'Afspraak gemaakt voor dinsdag 10:00.',
  agent_name: 'Afspraken',
  business_name: 'Tandarts Jansen',
  created_at: '2026-01-10T09:00:00.000Z',
  updated_at: '2026-01-10T09:02:09.000Z',
  direction: 'outbound',
  end_reason: null,
  analysis_result: { appointment_booked: true },
  messages: [
    { role: 'assistant', content: 'Goedemorgen, u spreekt met Tandarts Jansen.' },
    { role: 'user', content: 'Ik wil graag een afspraak maken.' },
  ],
  room_name: 'outbound-k2m4p6aa',
  recording_url: 'https://recordings.hmsovereign.com/outbound-k2m4p6aa.mp3',
  agent_id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  number_id: '9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  phone_number: '+31201234567',
};

/** The core-concepts page spells the numbers and names differently (`agent_phone`, `assistant_name`). */
export const inboundCallCoreConceptsSpelling = {
  id: 'call-_+31612345678_abc123',
  caller_phone: '+31612345678',
  agent_phone: '+31201234567',
  status: 'in-progress',
  error: null,
  started_at: '2026-01-10T08:00:03.000Z',
  ended_at: null,
  duration_seconds: null,
  summary: null,
  assistant_name: 'Receptie',
  business_name: 'Tandarts Jansen',
  created_at: '2026-01-10T08:00:00.000Z',
  updated_at: '2026-01-10T08:00:03.000Z',
};

/** One record per documented status value, with the error texts that refine `failed`. */
export const statusVariants = {
  connecting: { ...inboundCallCoreConceptsSpelling, status: 'connecting', started_at: null },
  inProgress: inboundCallCoreConceptsSpelling,
  ended: endedOutboundCall,
  failedBusy: listCallsResponse.calls[0],
  failedNoAnswer: { ...listCallsResponse.calls[0], error: 'No answer' },
  failedNoAnswerHyphen: { ...listCallsResponse.calls[0], error: 'SIP 480 no-answer' },
  failedTimeout: { ...listCallsResponse.calls[0], error: 'Ring timeout after 30s' },
  failedOther: { ...listCallsResponse.calls[0], error: 'Destination not reachable' },
  failedNoError: { ...listCallsResponse.calls[0], error: null },
};

/** status-update webhook page, verbatim; its `call` is the only place `ended-with-error` appears. */
export const statusUpdateWebhook = hms.statusUpdateWebhook;
