/**
 * HMS Sovereign wire shapes (docs/vendors/hmsovereign.md: the vendor's API reference, plus the official
 * Node SDK `hmsovereign` 1.0.1 types). Everything the seed does not promise is optional:
 * mappers read these defensively because the docs drift between field names.
 */

export interface HmsSovereignMessage {
  role?: string;
  content?: string;
}

/** A call record: the list item, and (bare, unwrapped) the body of `GET /calls/{id}`. */
export interface HmsSovereignCall {
  id?: string;
  /** Named from the inbound point of view; on outbound calls it holds the called party (inferred). */
  caller_phone?: string | null;
  assistant_phone?: string | null;
  /** Core-concepts page spelling of `assistant_phone`. */
  agent_phone?: string | null;
  status?: string;
  error?: string | null;
  /** Answer time, not dial time. */
  started_at?: string | null;
  ended_at?: string | null;
  duration_seconds?: number | null;
  summary?: string | null;
  agent_name?: string | null;
  /** Core-concepts page spelling of `agent_name`. */
  assistant_name?: string | null;
  business_name?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  // The fields below exist only in the SDK types.
  direction?: string | null;
  type?: string | null;
  end_reason?: string | null;
  analysis_result?: Record<string, unknown> | null;
  messages?: HmsSovereignMessage[] | null;
  room_name?: string | null;
  recording_url?: string | null;
  agent_id?: string | null;
  number_id?: string | null;
  phone_number?: string | null;
}

export interface HmsSovereignCallList {
  calls?: HmsSovereignCall[];
  pagination?: { total?: number; limit?: number; offset?: number };
}

/** `POST /calls/outbound` body. `assistant_id` is the SDK's name; the seed says `agent_id`. */
export interface HmsSovereignCreateCallBody {
  destination: string;
  assistant_id: string;
  first_message?: string;
  context?: string;
  number_id?: string;
  assistant_override?: {
    max_duration_seconds?: number;
    metadata?: Record<string, string>;
    webhook_url?: string;
    webhook_secret?: string;
    webhook_events?: string[];
  };
}

export interface HmsSovereignCreateCallResponse {
  success?: boolean;
  call_id?: string;
  room_name?: string;
  status?: string;
}

/** `POST /calls/{id}/control` body: one command chosen by `type`. */
export type HmsSovereignControlBody =
  | { type: 'inject-context'; content: string; trigger_response: boolean }
  | { type: 'say'; content: string; end_after: boolean }
  | { type: 'end-call'; message?: string }
  | { type: 'transfer'; destination: string; message?: string };

export interface HmsSovereignAssistant {
  id?: string;
  name?: string;
  is_active?: boolean;
  first_message?: string | null;
  max_duration_seconds?: number | null;
  webhook_url?: string | null;
  /** Part of the read type; never copied into gateway objects. */
  webhook_secret?: string | null;
  webhook_events?: string[] | null;
  stt_config?: Record<string, unknown> | null;
  llm_config?: Record<string, unknown> | null;
  tts_config?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  created_at?: string | null;
  updated_at?: string | null;
}

/** `POST /assistants` and `PATCH /assistants/{id}` body (only `name` is required on create). */
export interface HmsSovereignAssistantBody {
  name?: string;
  first_message?: string;
  llm_config?: { system_prompt?: string; model?: string };
  tts_config?: { voice?: string };
  metadata?: Record<string, unknown>;
}

export interface HmsSovereignNumber {
  id?: string;
  phone_number?: string;
  agent_id?: string | null;
  agent_name?: string | null;
  business_name?: string | null;
  transfer_trunk_id?: string | null;
  transfer_trunk_name?: string | null;
  source?: string | null;
  is_active?: boolean;
  created_at?: string | null;
  updated_at?: string | null;
}

/** Both documented error envelopes, plus the SDK's `type`/`param` on the flat one. */
export interface HmsSovereignErrorBody {
  error?: string | { code?: string; message?: string; type?: string; param?: string };
  message?: string;
  type?: string;
  param?: string;
}

/**
 * Every webhook is `{ message: {...} }`; `type` picks the event. All fields optional: the
 * parser checks each one, because an authentic body may still be one it cannot use.
 */
export interface HmsSovereignWebhookMessage {
  type?: string;
  /** ISO 8601: when the vendor raised the event. */
  timestamp?: string;
  /** `type` is `inbound_phone_call`, `outbound_phone_call` or `web_call`. */
  call?: { id?: string; type?: string; status?: string };
  /** The account's own number. */
  phone_number?: { number?: string; name?: string };
  /** The other party. */
  customer?: { number?: string };
  /** Set on `status-update` `ended-with-error`. */
  error?: string;
  assistant?: { metadata?: Record<string, unknown> } & Record<string, unknown>;
  // end-of-call-report
  duration_seconds?: number;
  summary?: string;
  messages?: HmsSovereignMessage[];
  recording_url?: string;
  analysis?: Record<string, unknown>;
}
