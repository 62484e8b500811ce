import type { AccountSettings, AssistantRecord, NumberRecord } from './hmsovereign.types';

/** The key the simulated account accepts; the vendor's keys look like `fl_live_…`. */
export const HMSOVEREIGN_DEFAULT_API_KEY = 'fl_live_sim_3b9f0c2d7e1a4f6b8c5d2e9a0f7b1c4d';

/** The SDK's base URL ends in `/api/v1`; every vendor route hangs off it. */
export const HMSOVEREIGN_BASE_PATH = '/api/v1';

export const SEEDED_ASSISTANT_IDS = {
  appointments: '0b7c3f5e-8a2d-4e61-9b4f-2d8e6a1c5f01',
  reminders: '0b7c3f5e-8a2d-4e61-9b4f-2d8e6a1c5f02',
  inactive: '0b7c3f5e-8a2d-4e61-9b4f-2d8e6a1c5f03',
} as const;

export const SEEDED_NUMBER_IDS = {
  appointments: '5d1e9a4c-2b7f-4c38-8e6a-9f0b3c7d2e11',
  reminders: '5d1e9a4c-2b7f-4c38-8e6a-9f0b3c7d2e12',
  unassigned: '5d1e9a4c-2b7f-4c38-8e6a-9f0b3c7d2e13',
} as const;

const SEEDED_AT = '2026-01-05T09:00:00.000Z';
const BUSINESS = 'Tandarts Jansen';

export function defaultSttConfig(): Record<string, unknown> {
  return { provider: 'deepgram', model: 'nova-2', language: 'nl' };
}

export function defaultLlmConfig(prompt = 'Je bent een vriendelijke assistent.'): Record<string, unknown> {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    temperature: 0.7,
    messages: [{ role: 'system', content: prompt }],
  };
}

export function defaultTtsConfig(): Record<string, unknown> {
  return { provider: 'elevenlabs', voice_id: 'pNInz6obpgDQGcFmaJgB', model: 'eleven_flash_v2_5' };
}

function assistant(id: string, name: string, isActive: boolean, firstMessage: string): AssistantRecord {
  return {
    id,
    name,
    business_name: BUSINESS,
    first_message: firstMessage,
    is_active: isActive,
    max_duration_seconds: 600,
    webhook_url: null,
    webhook_secret: null,
    webhook_events: null,
    stt_config: defaultSttConfig(),
    llm_config: defaultLlmConfig(),
    tts_config: defaultTtsConfig(),
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
  };
}

/** Fresh copies on every call, so a reset really restores the seed. */
export function seedAssistants(): AssistantRecord[] {
  const ids = SEEDED_ASSISTANT_IDS;
  return [
    assistant(ids.appointments, 'Afspraken', true, 'Goedemorgen, u spreekt met de assistent van Tandarts Jansen.'),
    assistant(ids.reminders, 'Herinneringen', true, 'Goedendag, ik bel namens Tandarts Jansen over uw afspraak.'),
    assistant(ids.inactive, 'Oud script', false, 'Hallo.'),
  ];
}

function number(id: string, phone: string, agent: AssistantRecord | undefined): NumberRecord {
  return {
    id,
    phone_number: phone,
    agent_id: agent?.id ?? null,
    agent_name: agent?.name ?? null,
    business_name: agent ? BUSINESS : null,
    transfer_trunk_id: null,
    transfer_trunk_name: null,
    source: 'purchased',
    is_active: true,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
  };
}

export function seedNumbers(assistants: AssistantRecord[]): NumberRecord[] {
  const byId = (id: string) => assistants.find((a) => a.id === id);
  return [
    number(SEEDED_NUMBER_IDS.appointments, '+31201234567', byId(SEEDED_ASSISTANT_IDS.appointments)),
    number(SEEDED_NUMBER_IDS.reminders, '+31201234568', byId(SEEDED_ASSISTANT_IDS.reminders)),
    number(SEEDED_NUMBER_IDS.unassigned, '+31201234569', undefined),
  ];
}

export function defaultAccount(): AccountSettings {
  return { webhook_url: null, webhook_secret: null, credits_exhausted: false };
}
