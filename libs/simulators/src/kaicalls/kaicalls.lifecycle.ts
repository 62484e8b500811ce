import { createHash } from 'node:crypto';
import type { Outcome, SimContext } from '../common';
import { runLifecycle } from '../common';
import type { KaiCallsState } from './kaicalls.state';
import type { KcCall, KcFailure, KcQuality } from './kaicalls.types';
import { endOfCallWebhooks } from './kaicalls.webhooks';

/** Invented price: KaiCalls publishes none; cost shows only as usage `cost_cents`. */
export const COST_CENTS_PER_MINUTE = 12;

export function callCostCents(durationSeconds: number): number {
  return Math.ceil(durationSeconds / 60) * COST_CENTS_PER_MINUTE;
}

/** Scenario outcome → `call.failed` `error` value (defaults of docs/vendors/kaicalls.md § Gaps). */
export function failureFor(outcome: Outcome): KcFailure | null {
  switch (outcome) {
    case 'completed':
      return null;
    case 'no_answer':
      return 'no_answer';
    case 'busy':
      return 'busy';
    default:
      return 'failed';
  }
}

/** Stable 0–100 scores per call, so a test can compare two reads. */
export function qualityFor(callId: string): KcQuality {
  const bytes = createHash('sha256').update(callId).digest();
  const score = (i: number) => 60 + (bytes[i] % 41);
  return { professionalism: score(0), empathy: score(1), information_gathering: score(2), resolution: score(3) };
}

export function summaryFor(call: KcCall): string {
  const who = call.name ?? call.to;
  return call.context ? `Spoke with ${who} about: ${call.context}` : `Spoke with ${who}; conversation completed.`;
}

/** Vapi-hosted recordings; the simulator does not serve the audio. */
export function recordingUrlFor(call: KcCall): string {
  return `https://storage.vapi.ai/${call.conversation_id}-recording.wav`;
}

/** Applies the end of a call to its record (pure apart from mutating `call`). */
export function finishCall(call: KcCall, outcome: Outcome, durationSeconds: number, at: Date): void {
  call.ended_at = at.toISOString();
  call.error = failureFor(outcome);
  if (call.error) {
    call.status = 'failed';
    return;
  }
  call.status = 'completed';
  call.duration = durationSeconds;
  call.summary = summaryFor(call);
  call.recording_url = recordingUrlFor(call);
  call.quality_dimensions = qualityFor(call.id);
  call.cost_cents = callCostCents(durationSeconds);
}

/**
 * Runs a stored call through its scenario. KaiCalls documents no ringing status, so the
 * call stays `queued` while it rings, becomes `in-progress` when answered and ends as
 * `completed` or `failed`. Webhooks go out once, at the end, through the scenario's stream.
 */
export function driveCall(context: SimContext, state: KaiCallsState, call: KcCall): void {
  const scenario = context.scenarios.for(call.to);
  // `max_duration` cuts the conversation short, as the vendor would hang up.
  const capped = { ...scenario, talk_ms: Math.min(scenario.talk_ms, call.max_duration * 1000) };
  const stream = context.webhooks.stream(scenario.webhooks);
  runLifecycle(context.clock, capped, {
    ringing: (at) => {
      call.ringing_at = at.toISOString();
    },
    answered: (at) => {
      call.status = 'in-progress';
      call.answered_at = at.toISOString();
    },
    ended: (at, outcome, duration) => {
      finishCall(call, outcome, duration, at);
      const usageRow = state.usage.find((row) => row.call_id === call.id && row.method === 'POST');
      if (usageRow) usageRow.cost_cents = call.cost_cents;
      endOfCallWebhooks(call, state.subscriptions.values()).forEach((hook) => stream.send(hook));
      stream.end();
    },
  });
}
