/**
 * Fixed ids of the simulated KaiCalls account, so tests and sandbox config can name them.
 * KaiCalls ids are UUID strings; these are valid v4-shaped UUIDs with readable tails.
 */

/** `kc_live_` + 44 base64url characters, the documented key format. Carries scope `*`. */
export const KAICALLS_DEFAULT_API_KEY = 'kc_live_SwBdSimDefaultKey_0123456789abcdefghijklmnop';

/**
 * Key management (`/api/v1/keys`) uses the dashboard session, not API keys. The simulator
 * accepts this value in a `kc_session` cookie (cookie name invented: the docs do not say).
 */
export const KAICALLS_SESSION_COOKIE = 'kc_session';
export const KAICALLS_DEFAULT_SESSION = 'kc_session_sim_dashboard_0001';

export const KAICALLS_SEED = {
  businessId: '7d1c2a9e-4b0f-4c3e-9a51-0b6f3e2d1b01',
  businessName: 'Switchboard Sandbox Co.',
  defaultKeyId: 'a3e5c7d9-2f4b-4e6a-8c1d-3b5f7a9c0e01',
  agents: {
    /** Outbound agent, owns number 1. */
    kai: {
      id: '5f0c8e2a-1d3b-4a7e-9c61-2b8d4f6a0a01',
      name: 'Kai',
      vapiAssistantId: 'c4d1e8f2-6a3b-4c5d-8e7f-9a0b1c2d3a01',
    },
    /** Second agent, owns number 2. */
    support: {
      id: '5f0c8e2a-1d3b-4a7e-9c61-2b8d4f6a0a02',
      name: 'Kai Support',
      vapiAssistantId: 'c4d1e8f2-6a3b-4c5d-8e7f-9a0b1c2d3a02',
    },
  },
  numbers: {
    main: { id: '9e4b7c1d-3f5a-4b2c-8d6e-1f3a5b7c9d01', phoneNumber: '+15125550142' },
    support: { id: '9e4b7c1d-3f5a-4b2c-8d6e-1f3a5b7c9d02', phoneNumber: '+15125550143' },
  },
  /** Dialing this number is refused with 400 `number_on_dnc`. */
  dncNumber: '+15125550199',
  /** When the seeded records claim to have been created (before any test call). */
  createdAt: '2026-01-05T09:00:00.000Z',
} as const;
