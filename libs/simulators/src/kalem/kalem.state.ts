import { randomUUID } from 'node:crypto';
import type { OutgoingWebhook, SimContext } from '../common';
import { runLifecycle } from '../common';
import type { KalemCallRecord } from './kalem.views';
import { ACTIVE_STATUSES, HANGUP_CAUSES, kalemTime } from './kalem.views';
import type { CreateCallInput } from './kalem.validation';
import type { ListQuery } from './kalem.list-query';
import { filterCalls } from './kalem.list-query';
import { callStatusWebhook, postCallWebhook, webhookStatus } from './kalem.webhooks';

export type DeleteResult = 'deleted' | 'active' | 'missing';

/** The account's calls, each driven through its lifecycle on the simulated clock. */
export class KalemCallStore {
  private readonly calls = new Map<string, KalemCallRecord>();
  private seq = 0;

  constructor(private readonly context: SimContext) {}

  /** Stores one call per destination and starts their lifecycles. */
  create(input: CreateCallInput, requestBody: unknown): KalemCallRecord[] {
    return input.destinations.map((to, index) => {
      const call: KalemCallRecord = {
        call_id: randomUUID(),
        seq: ++this.seq,
        created_at: this.context.clock.now(),
        status: 'pending',
        to_number: to,
        from_number: input.number.phone_number,
        agent_id: input.agent.id,
        agent: input.agent.name,
        number_id: input.number.id,
        trunk_id: input.trunkId,
        record: input.record,
        metadata: input.metadata,
        post_call_webhook: input.postCall,
        call_status_webhook: input.callStatus,
        started_at: null,
        answered_at: null,
        ended_at: null,
        duration_seconds: null,
        hangup_cause: null,
        deleted: false,
        scenario: this.context.scenarios.for(to),
        request_body: requestBody,
        batch_index: input.batch ? index : null,
      };
      this.calls.set(call.call_id, call);
      this.start(call);
      return call;
    });
  }

  get(callId: string): KalemCallRecord | undefined {
    const call = this.calls.get(callId);
    return call && !call.deleted ? call : undefined;
  }

  list(query: ListQuery): KalemCallRecord[] {
    return filterCalls(this.calls.values(), query);
  }

  /** DELETE removes the record only; Kalem refuses it while the call is still live. */
  delete(callId: string): DeleteResult {
    const call = this.get(callId);
    if (!call) return 'missing';
    if (ACTIVE_STATUSES.includes(call.status)) return 'active';
    call.deleted = true;
    return 'deleted';
  }

  /** Vendor-native view for `GET /__sim/calls`, deleted records included. */
  dialed(): unknown[] {
    return [...this.calls.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((c) => ({
        call_id: c.call_id,
        status: c.status,
        deleted: c.deleted,
        to_number: c.to_number,
        from_number: c.from_number,
        agent_id: c.agent_id,
        number_id: c.number_id,
        trunk_id: c.trunk_id,
        batch_index: c.batch_index,
        created_at: kalemTime(c.created_at),
        scenario: c.scenario,
        request: { method: 'POST', path: '/api/v1/calls', body: c.request_body },
      }));
  }

  reset(): void {
    this.calls.clear();
    this.seq = 0;
  }

  private start(call: KalemCallRecord): void {
    const stream = this.context.webhooks.stream(call.scenario.webhooks);
    const send = (hook: OutgoingWebhook | null) => hook && stream.send(hook);
    send(callStatusWebhook(call, webhookStatus('pending'), call.created_at));
    runLifecycle(this.context.clock, call.scenario, {
      ringing: (at) => {
        call.status = 'ringing';
        call.started_at = at;
        send(callStatusWebhook(call, webhookStatus('ringing'), at));
      },
      answered: (at) => {
        call.status = 'in_progress';
        call.answered_at = at;
        send(callStatusWebhook(call, webhookStatus('in_progress'), at));
      },
      ended: (at, outcome, seconds) => {
        call.status = outcome;
        call.ended_at = at;
        call.duration_seconds = outcome === 'completed' ? seconds : null;
        call.hangup_cause = HANGUP_CAUSES[outcome];
        send(callStatusWebhook(call, webhookStatus(outcome), at));
        send(postCallWebhook(call));
        stream.end();
      },
    });
  }
}
