/**
 * KaiCalls wire shapes, from its API reference and official JS SDK. Every field is optional
 * on the way in: list rows are thin, the detail has no numbers or times, and the vendor is
 * not typed.
 */

/** A call as it appears in the create response, a list row, the `?id=` detail or a webhook. */
export interface KaiCallsCall {
  id?: string;
  /** Webhooks name the id `call_id` (same value as the call's `id`). */
  call_id?: string;
  conversation_id?: string | null;
  status?: string | null;
  /** Failure reason, documented on `call.failed` webhooks only (`no_answer`). */
  error?: string | null;
  direction?: string | null;
  duration?: number | null;
  agent_id?: string | null;
  agent_name?: string | null;
  business_id?: string | null;
  lead_id?: string | null;
  to?: string | null;
  name?: string | null;
  summary?: string | null;
  recording_url?: string | null;
  quality_dimensions?: Record<string, number> | null;
  created_at?: string | null;
  timestamp?: string | null;
}

export interface KaiCallsCallList {
  calls?: KaiCallsCall[];
  has_more?: boolean;
}

/** `POST /api/v1/calls`, in the SDK's snake_case spelling; absent keys are left out. */
export interface KaiCallsCreateCallBody {
  agent_id: string;
  to: string;
  name?: string;
  context?: string;
  first_message?: string;
  webhook_url?: string;
  max_duration?: number;
}

export interface KaiCallsVoice {
  provider: string;
  voiceId: string;
}

export interface KaiCallsModel {
  provider: string;
  model: string;
  temperature?: number;
}

export interface KaiCallsAgent {
  id?: string;
  name?: string;
  business_id?: string | null;
  vapi_assistant_id?: string | null;
  phone_number?: string | null;
  first_message?: string | null;
  voice?: Partial<KaiCallsVoice> | null;
  model?: Partial<KaiCallsModel> | null;
  created_at?: string | null;
  updated?: boolean;
}

/** Fields shared by `POST /agents` and `PATCH /agents`. */
export interface KaiCallsAgentFields {
  name?: string;
  system_prompt?: string;
  first_message?: string;
  voice?: KaiCallsVoice;
  model?: KaiCallsModel;
  metadata?: Record<string, unknown>;
}

export interface KaiCallsCreateAgentBody extends KaiCallsAgentFields {
  business_id: string;
  name: string;
  system_prompt: string;
}

export interface KaiCallsPatchAgentBody extends KaiCallsAgentFields {
  id: string;
}

export interface KaiCallsNumber {
  id?: string;
  phone_number?: string;
  agent_id?: string | null;
  business_id?: string | null;
  created_at?: string | null;
  capabilities?: Record<string, boolean> | null;
  compliance?: Record<string, unknown> | null;
}

/** A row of `GET /api/v1/usage` (the API request log; the only place a cost appears). */
export interface KaiCallsUsageRow {
  id?: string;
  endpoint?: string;
  method?: string;
  status_code?: number;
  call_id?: string | null;
  cost_cents?: number | null;
  created_at?: string;
}

/** Documented envelope: `{ "error": { "code", "message" } }`. */
export interface KaiCallsErrorBody {
  error?: { code?: string; message?: string } | string;
  message?: string;
}
