/**
 * HMS Sovereign's documented example payloads, verbatim (docs/vendors/hmsovereign.md).
 * Data only: shared by the adapter tests and the simulator contract tests.
 */

/** docs/vendors/hmsovereign.md § Endpoints › GET /calls — list calls, the documented 200 answer. */
export const listCallsResponse = {
  calls: [
    {
      id: 'call-_+31687654321_q7w8e9',
      caller_phone: '+31687654321',
      assistant_phone: '+31201234567',
      status: 'failed',
      error: 'SIP 486 busy',
      started_at: null,
      ended_at: '2026-01-10T08:15:04.000Z',
      duration_seconds: 0,
      summary: null,
      agent_name: 'Afspraken',
      business_name: 'Tandarts Jansen',
      created_at: '2026-01-10T08:14:50.000Z',
      updated_at: '2026-01-10T08:15:04.000Z',
    },
  ],
  pagination: { total: 1, limit: 50, offset: 0 },
};

/** docs/vendors/hmsovereign.md § Endpoints › POST /calls/outbound — start an outbound call, response. */
export const outboundCallResponse = {
  success: true,
  call_id: 'call-outbound-k2m4p6',
  room_name: 'outbound-k2m4p6aa',
  status: 'dialing',
};

/** docs/vendors/hmsovereign.md § Endpoints › POST /calls/{id}/control — the transfer command example. */
export const transferCommand = {
  type: 'transfer',
  destination: '+31201112233',
  message: 'Ik verbind u door met een collega.',
};

/** docs/vendors/hmsovereign.md § Endpoints › POST /calls/{id}/control — the documented 200 answer. */
export const controlResponse = { success: true, message: 'Command sent successfully' };

/** docs/vendors/hmsovereign.md § Errors — auth errors (flat), `Unauthorized`. */
export const unauthorizedError = { error: 'Unauthorized', message: 'Invalid or missing API key' };

/** docs/vendors/hmsovereign.md § Errors — rate limit (nested). */
export const rateLimitedError = {
  error: { code: 'rate_limit_exceeded', message: 'Too many requests. Please retry after 45 seconds.' },
};

/** docs/vendors/hmsovereign.md § Gaps — the `GET /calls/{id}` 404 default. */
export const callNotFoundError = { error: 'Not Found', message: 'Call not found' };

/** docs/vendors/hmsovereign.md § Webhooks — the envelope example (`status-update`, everything under `message`). */
export const statusUpdateWebhook = {
  message: {
    type: 'status-update',
    timestamp: '2026-01-10T08:15:00.000Z',
    call: { id: '8a1e7c52-3b0f-4d7e-9c1a-6f2b9d0e4a77', type: 'inbound_phone_call', status: 'ended-with-error' },
    phone_number: { number: '+31201234567', name: 'Tandarts Jansen' },
    customer: { number: '+31687654321' },
    error: 'STT connection failed',
  },
};
