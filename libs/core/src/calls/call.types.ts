import type { CallStatus } from './call-status';
import type { CallErrorCode, EndReason } from './end-reason';

/**
 * A vendor's id, as a key of the provider registry in libs/providers. That registry is the
 * only list of vendors: core names none, since it must not depend on the adapters.
 */
export type ProviderName = string;

export interface Money {
  amount: number;
  currency: string;
}

export interface TranscriptTurn {
  role: 'agent' | 'user' | 'system' | 'tool' | string;
  text: string;
  at?: string;
}

/**
 * A vendor's call, normalized. Adapters fill what the vendor supplies and leave the rest
 * null; `providerStatus` and `providerEndReason` keep the raw values next to the mapped ones.
 */
export interface ProviderCall {
  providerCallId: string;
  status: CallStatus;
  providerStatus: string;
  direction: 'outbound' | 'inbound';
  to: string | null;
  from: string | null;
  providerAgentId: string | null;
  durationSeconds: number | null;
  cost: Money | null;
  /** ISO 8601 UTC (`…Z`), taken from the vendor payload, never from the local clock. */
  createdAt: string | null;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  /** The gateway's reason (end-reason.ts), null while the call is live. */
  endReason: EndReason | null;
  /** The vendor's own value the reason was mapped from, kept verbatim. */
  providerEndReason: string | null;
  error: { code: CallErrorCode; message: string } | null;
  recordingUrl: string | null;
  summary: string | null;
  transcript: TranscriptTurn[] | null;
  analysis: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
}

export interface CreateCallInput {
  /** E.164 (`+15551234567`) or a `sip:` URI; already normalized by the gateway. */
  to: string;
  from?: string;
  providerAgentId: string;
  firstMessage?: string;
  context?: string;
  variables?: Record<string, string>;
  record: boolean;
  maxDurationSeconds?: number;
  metadata: Record<string, string>;
  customer?: { name?: string; email?: string } | null;
  /** The gateway's call id; adapters attach it where the vendor keeps metadata, for lookups after an ambiguous create. */
  reference: string;
  /**
   * Where this call's webhooks go, for `per_call` vendors (`capabilities.webhooks`): the
   * adapter puts URL and secret wherever that vendor takes them. Absent: no webhooks.
   */
  webhook?: { url: string; secret: string };
}

/** An option of the request the vendor does not act on (AI SDK style), said instead of dropped silently. */
export interface CallWarning {
  /** The request field, in the API's names (`record`, `customer.email`). */
  field: string;
  message: string;
}

export interface CreateCallResult {
  call: ProviderCall;
  /** Options the vendor ignored, e.g. `record` where recording cannot be switched. */
  warnings: CallWarning[];
}

export interface ListProviderCallsQuery {
  /** Lower bound on creation time, for looking up a call after an ambiguous create. */
  createdAfter?: Date;
  limit?: number;
}

export type ControlAction = 'say' | 'inject_context' | 'transfer' | 'end';

export interface ControlInput {
  action: ControlAction;
  text?: string;
  to?: string;
}

export interface VendorAgent {
  providerAgentId: string;
  name: string;
  /** Extra vendor-reported facts (voice, model, phone number…), normalized keys. */
  details: Record<string, unknown>;
}

export interface VendorNumber {
  providerNumberId: string;
  number: string;
  providerAgentId: string | null;
  details: Record<string, unknown>;
}

export interface AgentSpec {
  name: string;
  systemPrompt?: string | null;
  firstMessage?: string | null;
  voice?: string | null;
  model?: string | null;
  metadata?: Record<string, unknown> | null;
}
