import type { CallWarning } from '@switchboard/core';
import type { CallEntity } from './call.entity';

/** The contract's call object (the Call schema of the API reference, src/calls/call.schema.ts); entities never reach the wire. */
export function toCallResponse(call: CallEntity) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: call.id,
    object: 'call' as const,
    direction: call.direction,
    status: call.status,
    provider_status: call.providerStatus,
    provider: call.provider,
    connection_id: call.connectionId,
    provider_call_id: call.providerCallId,
    agent_id: call.agentId,
    to: call.to,
    from: call.from,
    customer: call.customer,
    context: call.context,
    first_message: call.firstMessage,
    variables: call.variables,
    metadata: call.metadata,
    record: call.record,
    max_duration_seconds: call.maxDurationSeconds,
    webhook_url: call.webhookUrl,
    duration_seconds: call.durationSeconds,
    cost: call.costAmount === null ? null : { amount: call.costAmount, currency: call.costCurrency ?? 'USD' },
    created_at: call.createdAt.toISOString(),
    started_at: iso(call.startedAt),
    answered_at: iso(call.answeredAt),
    ended_at: iso(call.endedAt),
    updated_at: call.updatedAt.toISOString(),
    end_reason: call.endReason,
    provider_end_reason: call.providerEndReason,
    error: call.error,
    recording_url: call.recordingUrl,
    summary: call.summary,
    transcript: call.transcript,
    analysis: call.analysis,
    attempts: call.attempts,
    warnings: call.warnings.map(toCallWarning),
  };
}

export type CallResponse = ReturnType<typeof toCallResponse>;

/** A stored warning on the wire; an old plain `field: message` string is split where it says its field. */
export function toCallWarning(stored: CallWarning | string): CallWarning {
  if (typeof stored !== 'string') return stored;
  const named = /^([a-z_][a-z_.]*): (.+)$/s.exec(stored);
  return named ? { field: named[1], message: named[2] } : { field: '', message: stored };
}
