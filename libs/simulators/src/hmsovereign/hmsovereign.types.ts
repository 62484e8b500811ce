import type { Scenario, WebhookStream } from '../common';

/** Record statuses (calls list/get); the create response says `dialing` instead. */
export const HMS_CALL_STATUSES = ['connecting', 'in-progress', 'ended', 'failed'] as const;
export type HmsCallStatus = (typeof HMS_CALL_STATUSES)[number];

/** `message.type` values an assistant may subscribe to with `webhook_events`. */
export const HMS_WEBHOOK_EVENTS = ['assistant-request', 'tool-calls', 'status-update', 'end-of-call-report'] as const;
export type HmsWebhookEvent = (typeof HMS_WEBHOOK_EVENTS)[number];

/** `call.status` inside `status-update` webhooks. */
export type HmsWebhookCallStatus = 'in-progress' | 'ended' | 'ended-with-error';

export interface AssistantRecord {
  id: string;
  name: string;
  business_name: string | null;
  first_message: string | null;
  is_active: boolean;
  max_duration_seconds: number | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_events: string[] | null;
  stt_config: Record<string, unknown>;
  llm_config: Record<string, unknown>;
  tts_config: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  /** Silence, voicemail, GDPR and other options are stored as sent. */
  [extra: string]: unknown;
}

export interface NumberRecord {
  id: string;
  phone_number: string;
  agent_id: string | null;
  agent_name: string | null;
  business_name: string | null;
  transfer_trunk_id: string | null;
  transfer_trunk_name: string | null;
  source: string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

/** The call object of `GET /calls` and `GET /calls/{id}`: seed fields, then the SDK's extras. */
export interface CallRecord {
  id: string;
  caller_phone: string;
  assistant_phone: string;
  status: HmsCallStatus;
  error: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_seconds: number;
  summary: string | null;
  agent_name: string | null;
  business_name: string | null;
  created_at: string;
  updated_at: string;
  direction: 'outbound';
  end_reason: string | null;
  analysis_result: Record<string, unknown> | null;
  messages: { role: 'user' | 'assistant'; content: string }[];
  room_name: string;
  recording_url: string | null;
  agent_id: string | null;
  number_id: string;
  phone_number: string;
}

export interface WebhookTarget {
  url: string;
  secret: string | null;
  /** null: every event. */
  events: string[] | null;
}

export interface ToolDefinition {
  type?: string;
  function?: { name?: string };
  server?: { url?: string; secret?: string };
}

/** The assistant a call really runs with: saved, saved + override, or transient. */
export interface CallConfig {
  first_message: string | null;
  max_duration_seconds: number | null;
  target: WebhookTarget | null;
  tools: ToolDefinition[];
  analysis_plan: unknown;
  /** What `tool-calls` webhooks carry as `message.assistant`. */
  assistant: Record<string, unknown>;
}

export interface ControlLogEntry {
  type: string;
  body: Record<string, unknown>;
  at: string;
}

export interface HmsCall {
  record: CallRecord;
  /** The create body exactly as the client sent it (parsed JSON). */
  request: Record<string, unknown>;
  config: CallConfig;
  scenario: Scenario;
  stream: WebhookStream;
  commands: ControlLogEntry[];
  /** Wall-clock ms of the answer, to turn elapsed real time into simulated seconds. */
  answeredAtMs: number | null;
  /** Cancels every pending lifecycle step and timer of this call. */
  stop: () => void;
}

/** Dashboard-level settings the API cannot change; set through `/__sim/account`. */
export interface AccountSettings {
  webhook_url: string | null;
  webhook_secret: string | null;
  /** When true, `POST /calls/outbound` answers 402 (out of credits). */
  credits_exhausted: boolean;
}
