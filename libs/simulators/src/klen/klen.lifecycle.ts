import type { Outcome, Scenario, SimContext } from '../common';
import { runLifecycle } from '../common';
import { PRICING } from './klen.seed';
import type { KlenCall, KlenCallEvent, KlenFailureReason, KlenState } from './klen.state';
import { conversationText, iso, recordingUrl } from './klen.views';
import { emitCallEvent } from './klen.webhooks';

/** Simulated delays after `call.ended` until each post-call artifact is ready. */
export const POST_CALL_MS = { transcript: 2_000, summary: 3_000, recording: 5_000 } as const;

/** Klen has no busy / no-answer status: the call is `failed` and the reason says why. */
export function failureReasonFor(outcome: Outcome): KlenFailureReason | null {
  switch (outcome) {
    case 'completed':
      return null;
    case 'no_answer':
      return 'no-answer';
    case 'busy':
      return 'busy';
    default:
      return 'failed';
  }
}

export function chargeFor(durationSeconds: number): number {
  return Math.round(PRICING.per_minute * (durationSeconds / 60) * 100) / 100;
}

/**
 * Drives a Klen call: `queued` while dialing and ringing (Klen shows no ringing status),
 * `in-progress` with `call.started` once answered, then `completed` + `call.ended`
 * or `failed` + `call.failed`. Transcript, summary and recording follow a completed call.
 */
export function startKlenLifecycle(context: SimContext, state: KlenState, call: KlenCall, scenario: Scenario): void {
  const stream = context.webhooks.stream(scenario.webhooks);
  const emit = (event: KlenCallEvent) => emitCallEvent(state, stream, call, event, context.clock.now());

  runLifecycle(context.clock, scenario, {
    ringing: (at) => {
      call.dialing_at = at;
    },
    answered: (at) => {
      call.status = 'in-progress';
      call.started_at = at;
      emit('call.started');
    },
    ended: (at, outcome, durationSeconds) => {
      call.ended_at = at;
      call.duration_seconds = durationSeconds;
      call.failure_reason = failureReasonFor(outcome);
      if (call.contact) {
        call.contact.status = 'contacted';
        call.contact.last_call_date = iso(at);
      }
      if (outcome !== 'completed') {
        call.status = 'failed';
        call.billing = { status: 'refunded', initial_charge: PRICING.initial_charge, final_charge: 0, total_charge: 0 };
        emit('call.failed');
        stream.end();
        return;
      }
      call.status = 'completed';
      const charge = chargeFor(durationSeconds);
      call.billing = {
        status: 'billed',
        initial_charge: PRICING.initial_charge,
        final_charge: charge,
        total_charge: charge,
      };
      state.balance = Math.round((state.balance - charge) * 100) / 100;
      emit('call.ended');
      deliverPostCall(context, call, emit, () => stream.end());
    },
  });
}

/** The three post-call events are asynchronous at Klen; here they come in the documented typical order. */
function deliverPostCall(
  context: SimContext,
  call: KlenCall,
  emit: (event: KlenCallEvent) => void,
  done: () => void,
): void {
  const text = conversationText(call);
  context.clock.after(POST_CALL_MS.transcript, () => {
    call.transcript = text.transcript;
    emit('call.transcript');
  });
  context.clock.after(POST_CALL_MS.summary, () => {
    call.summary = text.summary;
    emit('call.summary');
  });
  context.clock.after(POST_CALL_MS.recording, () => {
    call.recording_url = recordingUrl(call);
    emit('call.recording');
    done();
  });
}
