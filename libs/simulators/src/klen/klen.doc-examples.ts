/**
 * The documented example bodies, copied from the vendor notes (shared/vendors/klen.md),
 * and a shape helper: contract specs compare the simulator's responses with these.
 */

export const LIST_EXAMPLE = {
  count: 3,
  page: 1,
  limit: 2,
  pages: 2,
  calls: [
    {
      id: 'call_a1b2',
      agent_id: 'assistant_777',
      agent_name: 'Renewals Bot',
      status: 'completed',
      type: 'outbound',
      phone_number: '+15550004444',
      started_at: '2025-05-02T10:00:00Z',
      ended_at: '2025-05-02T10:03:10Z',
      duration_seconds: 190,
      summary: 'Customer agreed to renew.',
      recording_url: 'https://storage.example.com/recordings/call_a1b2.mp3',
      contact: { id: 55, name: 'Ana Ruiz', email: 'ana@example.com', company: 'Ruiz LLC' },
    },
  ],
};

export const CREATE_EXAMPLE = {
  id: 901,
  call_id: 'call_x9y8',
  status: 'queued',
  type: 'outbound',
  phone_number: '+15550004444',
  agent: { id: 12, name: 'Renewals Bot', assistant_id: 'assistant_777' },
  created_at: '2025-05-02T09:59:50Z',
  estimated_start: '2025-05-02T09:59:55Z',
};

export const DETAIL_EXAMPLE = {
  id: 901,
  agent: { id: 12, name: 'Renewals Bot', assistant_id: 'assistant_777' },
  call_id: 'call_x9y8',
  status: 'completed',
  type: 'outbound',
  phone_number: '+15550004444',
  started_at: '2025-05-02T10:00:00Z',
  ended_at: '2025-05-02T10:03:10Z',
  duration_seconds: 190,
  summary: 'Customer agreed to renew.',
  transcript: 'Agent: Hi Ana… Customer: Yes…',
  recording_url: 'https://storage.example.com/recordings/call_x9y8.mp3',
  contact: {
    id: 55,
    name: 'Ana Ruiz',
    email: 'ana@example.com',
    company: 'Ruiz LLC',
    status: 'contacted',
    stage: 'qualified_lead',
    last_call_date: '2025-05-02T10:03:10Z',
  },
  team: { id: 3, name: 'Retention' },
  billing: { status: 'billed', initial_charge: 0.5, final_charge: 0.95, total_charge: 0.95 },
};

export const ERROR_EXAMPLE = { error: 'invalid_key', message: 'Invalid or inactive API key' };

/** Gaps-table default for the (undocumented) webhook-create response. */
export const WEBHOOK_CREATE_EXAMPLE = {
  id: 1,
  name: 'Gateway',
  url: 'https://gateway.example.com/hooks/klen',
  subscribed_events: ['call.ended'],
  secret: 'whsec_abc',
  is_active: true,
};

/** The documented common webhook payload (here for `call.ended`). */
export const WEBHOOK_EXAMPLE = {
  event_type: 'call.ended',
  call: {
    id: 901,
    klen_call_id: 'call_x9y8',
    agent_id: 12,
    agent_name: 'Renewals Bot',
    status: 'completed',
    type: 'outbound',
    phone_number: '+15550004444',
    started_at: '2025-05-02T10:00:00Z',
    ended_at: '2025-05-02T10:03:10Z',
    duration_seconds: 190,
    summary: 'Customer agreed to renew.',
    duration: 190,
  },
  timestamp: '2025-05-02T10:03:13Z',
};

/** Contact object in webhooks (gaps-table default). */
export const WEBHOOK_CONTACT_EXAMPLE = { id: 55, name: 'Ana Ruiz', email: 'ana@example.com', phone: '+15550004444', company: 'Ruiz LLC' };

/** Documented additions to the common payload, per event (gaps-table defaults where inferred). */
export function webhookExampleFor(event: string, extra: Record<string, unknown> = {}) {
  const call: Record<string, unknown> = { ...WEBHOOK_EXAMPLE.call, ...extra };
  if (event === 'call.started') call.assistant_id = 'assistant_777';
  if (event === 'call.failed') call.failure_reason = 'no-answer';
  if (event === 'call.transcript') call.transcript = 'Agent: Hi…';
  if (event === 'call.recording') call.recording_url = 'https://storage.example.com/recordings/call_x9y8.mp3';
  return { ...WEBHOOK_EXAMPLE, event_type: event, call };
}

/**
 * The type skeleton of a JSON value: same keys, same types. Arrays take the shape of
 * their first item, so an example and a response compare with one deepEqual.
 */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
}

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
