/** Records the simulator keeps, in KaiCalls' own field names. */

/** Only these are ever emitted; the SDK keeps waiting on `queued`/`in-progress`. */
export type KcCallStatus = 'queued' | 'in-progress' | 'completed' | 'failed';
/** `call.failed` reasons: `no_answer` is documented, the others are the defaults of docs/vendors/kaicalls.md § Gaps. */
export type KcFailure = 'no_answer' | 'busy' | 'failed';

export interface KcQuality {
  professionalism: number;
  empathy: number;
  information_gathering: number;
  resolution: number;
}

export interface KcCall {
  id: string;
  conversation_id: string;
  status: KcCallStatus;
  error: KcFailure | null;
  direction: 'outbound' | 'inbound';
  agent_id: string;
  business_id: string;
  to: string;
  name: string | null;
  context: string | null;
  first_message: string | null;
  lead_id: string | null;
  webhook_url: string | null;
  max_duration: number;
  duration: number;
  summary: string | null;
  recording_url: string | null;
  quality_dimensions: KcQuality | null;
  created_at: string;
  ringing_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  cost_cents: number;
  /** The JSON body exactly as the client sent it, for `GET /__sim/calls`. */
  request: unknown;
}

export interface KcVoice {
  provider: string;
  voiceId: string;
}

export interface KcModel {
  provider: string;
  model: string;
  temperature: number;
}

export interface KcAgent {
  id: string;
  name: string;
  business_id: string;
  vapi_assistant_id: string;
  phone_number: string | null;
  system_prompt: string;
  first_message: string;
  voice: KcVoice;
  model: KcModel;
  metadata: Record<string, unknown>;
  /** Fields only the SDK sends on PATCH (`inbound_prompt`, `max_duration`, …), kept as given. */
  sdk_fields: Record<string, unknown>;
  created_at: string;
}

export interface KcNumber {
  id: string;
  phone_number: string;
  agent_id: string | null;
  business_id: string;
  created_at: string;
}

export interface KcKey {
  id: string;
  /** SHA-256 of the full key: keys are stored hashed, as the vendor says. */
  hash: string;
  prefix: string;
  name: string;
  scopes: string[];
  business_id: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  is_active: boolean;
}

export interface KcSubscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  business_id: string | null;
  is_active: boolean;
  secret: string;
  created_at: string;
}

export interface KcUsageRow {
  id: string;
  endpoint: string;
  method: string;
  status_code: number;
  call_id: string | null;
  cost_cents: number;
  created_at: string;
}

/** Events an account subscription may ask for (only call events are simulated). */
export const KC_EVENTS = ['call.completed', 'call.failed'] as const;
