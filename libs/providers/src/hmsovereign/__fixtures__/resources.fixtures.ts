/**
 * Assistants and numbers, built from the official SDK field lists
 * ("Assistants, numbers, usage"); the inner llm/tts config shapes are not documented.
 */

export const assistant = {
  id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  name: 'Afspraken',
  is_active: true,
  first_message: 'Goedemorgen, u spreekt met Tandarts Jansen.',
  max_duration_seconds: 600,
  webhook_url: 'https://example.com/hms/webhook',
  webhook_secret: 'whsec_do_not_leak',
  webhook_events: ['status-update', 'end-of-call-report'],
  stt_config: { provider: 'deepgram' },
  llm_config: { model: 'gpt-4o-mini', system_prompt: 'Je bent de receptionist.' },
  tts_config: { voice: 'nl-female-1' },
  created_at: '2026-01-01T10:00:00.000Z',
  updated_at: '2026-01-05T10:00:00.000Z',
};

export const assistantsResponse = { assistants: [assistant] };
export const assistantResponse = { assistant };

export const number = {
  id: '9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  phone_number: '+31201234567',
  agent_id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  agent_name: 'Afspraken',
  business_name: 'Tandarts Jansen',
  transfer_trunk_id: null,
  transfer_trunk_name: null,
  source: 'purchased',
  is_active: true,
  created_at: '2026-01-01T09:00:00.000Z',
  updated_at: '2026-01-01T09:00:00.000Z',
};

export const numbersResponse = { numbers: [number] };
