import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreateCallInput, ProviderError, ProvidersUnavailableError, ValidationFailedError } from '@switchboard/core';
import { DataSource } from 'typeorm';
import { CallAttempt, CallEntity } from '../calls/call.entity';
import { toCallResponse } from '../calls/call-response';
import { CallsRepository } from '../calls/calls.repository';
import { AnswerAlongside, CallLedger } from '../ledger/call-ledger';
import type { RequestContext } from '../common/request-context';
import { databaseFor } from '../database/request-database';
import { Observation } from '../ledger/observation';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';
import { WebhookTargets } from '../providers/webhook-targets.service';
import { attemptErrorCode, decideAfter } from './attempt-rules';
import { CallSettler } from '../ledger/call-settler';
import { CONNECTION_SIGNALS, ConnectionSignals } from './connection-signals';
import { Candidate } from './routing-plan';

export const DISPATCH_SETTINGS = Symbol('DISPATCH_SETTINGS');
export interface DispatchSettings {
  /** Pause between the two look-ups that must both miss before an ambiguous create counts as absent. */
  absentConfirmMs: number;
}

/** The call's own fields as the vendor is asked to place them; routing adds the rest. */
export type PlacementInput = Omit<CreateCallInput, 'providerAgentId' | 'webhook' | 'reference'>;

type Outcome = { done: true; call: CallEntity } | { done: false; attempt: CallAttempt; error: ProviderError };

/**
 * Places one call: tries the planned connections in turn, recording every attempt through
 * the call ledger, and never dials a second vendor while the first may have placed it.
 * Before asking each connection its circuit is consulted (an open one is skipped without a
 * request); its rate budget is taken by the transport itself, which refuses locally when
 * spent. Failures that prove nothing was placed move on; an ambiguous one is looked up at
 * that vendor (twice, a moment apart) and only a provable absence moves on; a vendor's
 * refusal of the call itself ends it.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: CallLedger,
    private readonly calls: CallsRepository,
    private readonly providers: ProvidersService,
    private readonly webhookTargets: WebhookTargets,
    private readonly settler: CallSettler,
    @Inject(CONNECTION_SIGNALS) private readonly signals: ConnectionSignals,
    @Inject(DISPATCH_SETTINGS) private readonly settings: DispatchSettings,
  ) {}

  /**
   * `call` is stored (queued, on the first candidate), or is being stored by `stored`: then
   * the first attempt is prepared meanwhile (its adapter, webhook target, request and rate
   * budget) and its vendor request is sent once `stored` resolves, never if it rejects
   * (src/providers/send-gate.ts); nothing else touches the call before. `answered` is written
   * with the vendor's answer when that takes the one-statement path. Resolves with the
   * placed call; rejects with the vendor's refusal, a 504 when the outcome stays unknown, or
   * 503 `providers_unavailable` listing every attempt.
   */
  async place(
    call: CallEntity,
    candidates: Candidate<ProviderConnectionEntity>[],
    input: PlacementInput,
    options: { failover: boolean; stored?: Promise<unknown>; answered?: AnswerAlongside },
    context?: RequestContext,
  ): Promise<CallEntity> {
    const tries = options.failover ? candidates : candidates.slice(0, 1);
    const attempts: { attempt: CallAttempt; error: ProviderError }[] = [];
    let current = call;
    for (const [i, candidate] of tries.entries()) {
      if (current.connectionId !== candidate.connection.id)
        current = await this.record(call.id, { placement: placementOf(candidate.connection) }, context);
      const stored = i === 0 ? options.stored : undefined;
      const outcome = await this.attempt(current, candidate, input, context, stored, options.answered);
      // An attempt that ended before its request was sent (an open circuit, a spent budget) is recorded on the stored row.
      if (stored) await stored;
      if (outcome.done) return outcome.call;
      attempts.push(outcome);
      const decision = decideAfter(outcome.error);
      const next = tries[i + 1];
      if (outcome.attempt.outcome === 'ambiguous') {
        // A vendor webhook may have tied the call to its vendor call while it was looked up.
        const placed = !!(await this.calls.find(call.id, context))?.providerCallId;
        current = await this.record(
          call.id,
          { attempt: placed ? { ...outcome.attempt, outcome: 'created', error_code: 'answer_lost' } : outcome.attempt },
          context,
        );
        if (placed) return current;
        throw this.refusal(outcome.error, current);
      }
      if (decision === 'stop') {
        current = await this.record(call.id, { attempt: outcome.attempt, verdict: rejected(outcome.error) }, context);
        throw this.refusal(outcome.error, current);
      }
      // The failed attempt and the move to the next connection are one write.
      current = await this.record(
        call.id,
        { attempt: outcome.attempt, ...(next ? { placement: placementOf(next.connection) } : {}) },
        context,
      );
      // A vendor webhook tied the call to a vendor call meanwhile: it was placed after all.
      if (current.providerCallId) return current;
    }
    return this.exhausted(call.id, attempts, context);
  }

  /**
   * A create interrupted before its outcome was known (a crash, a lost response): found at
   * its vendor → that call; provably absent → null (it may be placed); otherwise still unknown.
   */
  async settleUnconfirmed(
    call: CallEntity,
    context?: RequestContext,
  ): Promise<{ state: 'found'; call: CallEntity } | { state: 'absent' } | { state: 'unknown' }> {
    if (!call.connectionId) return { state: 'absent' };
    const { adapter } = await this.providers.withAdapter(call.connectionId, context);
    const found = await this.lookUpTwice(call, adapter, context);
    if (found.state !== 'found') return found;
    return { state: 'found', call: await this.settler.apply(call, found.vendor, context) };
  }

  private async attempt(
    call: CallEntity,
    candidate: Candidate<ProviderConnectionEntity>,
    input: PlacementInput,
    context: RequestContext | undefined,
    stored?: Promise<unknown>,
    answered?: AnswerAlongside,
  ): Promise<Outcome> {
    const { connection } = candidate;
    const at = () => new Date().toISOString();
    const attempt = (outcome: CallAttempt['outcome'], errorCode: string | null): CallAttempt => ({
      connection_id: connection.id,
      provider: connection.provider,
      outcome,
      error_code: errorCode,
      at: at(),
    });
    if (this.signals.circuitOpen(connection.id)) {
      const error = new ProviderError({
        provider: connection.provider,
        kind: 'retryable',
        local: true,
        vendorCode: 'circuit_open',
        message: `Connection ${connection.id} (${connection.provider}) has an open circuit.`,
      });
      return { done: false, attempt: attempt('skipped', 'circuit_open'), error };
    }
    const adapter = this.providers.adapterFor(connection, context, stored);
    try {
      // Before anything is dialed: a vendor that must register webhooks first and cannot has placed nothing.
      const webhook = await this.webhookTargets.forCreate(connection, adapter);
      const result = await adapter.createCall({
        ...input,
        providerAgentId: candidate.providerAgentId,
        reference: call.id,
        webhook,
      });
      const answer = observed({ vendor: result.call, attempt: attempt('created', null), warnings: result.warnings });
      // The common case in one statement; the ledger says null when anything else touched the call meanwhile.
      const db = databaseFor(this.dataSource, context);
      const placed =
        (await this.ledger.applyIfUnchanged(db.manager, call, answer, answered)) ??
        (await db.transaction((tx) => this.ledger.apply(tx, call.id, answer)));
      return { done: true, call: placed };
    } catch (e) {
      // The call's write failed (that error is the create's), or a request was refused before it was sent.
      if (stored) await stored;
      if (!(e instanceof ProviderError)) throw e;
      const decision = decideAfter(e);
      if (decision === 'skip') return { done: false, attempt: attempt('skipped', attemptErrorCode(e)), error: e };
      if (decision !== 'look_up') return { done: false, attempt: attempt('failed', attemptErrorCode(e)), error: e };
      const lookup = await this.lookUpTwice(call, adapter, context);
      if (lookup.state === 'found') {
        // It was placed; only the answer was lost. The attempt says so.
        const placed = await this.record(
          call.id,
          { vendor: lookup.vendor, attempt: attempt('created', 'answer_lost') },
          context,
        );
        return { done: true, call: placed };
      }
      if (lookup.state === 'absent')
        return { done: false, attempt: attempt('failed', 'not_placed_after_timeout'), error: e };
      return { done: false, attempt: attempt('ambiguous', attemptErrorCode(e)), error: e };
    }
  }

  /** Two look-ups a moment apart (the settler's rule); only a double miss proves absence. */
  private lookUpTwice(call: CallEntity, adapter: Parameters<CallSettler['lookUp']>[1], context?: RequestContext) {
    return this.settler.lookUpTwice(call, adapter, this.settings.absentConfirmMs, context);
  }

  private async exhausted(
    callId: string,
    attempts: { attempt: CallAttempt; error: ProviderError }[],
    context: RequestContext | undefined,
  ): Promise<never> {
    const message = `No provider could place the call: ${attempts.map((a) => `${a.attempt.provider} ${a.attempt.outcome} (${a.attempt.error_code})`).join(', ')}.`;
    const call = await this.record(
      callId,
      {
        verdict: {
          status: 'failed',
          endReason: 'providers_unavailable',
          error: { code: 'providers_unavailable', message },
        },
      },
      context,
    );
    const resets = attempts
      .map((a) => a.error.resetAt?.getTime())
      .filter((t): t is number => t !== undefined && t > Date.now());
    // Every attempt was answered (or refused here) without a call being placed.
    const nothingDialed = attempts.every((a) => a.attempt.outcome !== 'ambiguous');
    this.logger.warn(
      { request_id: context?.requestId, call_id: callId, attempts: attempts.map((a) => a.attempt) },
      'No provider could place a call',
    );
    throw new ProvidersUnavailableError(
      message,
      [
        ...attempts.map(({ attempt, error }) => ({
          ...attempt,
          provider_status: error.status ?? null,
          message: error.message,
        })),
        { call_id: call.id, call: toCallResponse(call) },
      ],
      resets.length ? new Date(Math.min(...resets)) : null,
      nothingDialed,
    );
  }

  /** The vendor's own refusal, or the unknown outcome, with the stored call attached. */
  private refusal(error: ProviderError, call: CallEntity): Error {
    if (error.kind === 'invalid_request' && error.fieldErrors.length) {
      const refusal = new ValidationFailedError(error.fieldErrors);
      refusal.details.push({ call_id: call.id, provider: error.provider, provider_status: error.status ?? null });
      return refusal;
    }
    error.details.push({ call_id: call.id, call: toCallResponse(call) });
    return error;
  }

  private record(
    callId: string,
    change: Partial<Observation>,
    context: RequestContext | undefined,
  ): Promise<CallEntity> {
    const observation = observed(change);
    return databaseFor(this.dataSource, context).transaction((tx) => this.ledger.apply(tx, callId, observation));
  }
}

/** What the create itself learned, now. */
function observed(change: Partial<Observation>): Observation {
  return { source: 'create', vendorEventType: null, occurredAt: null, receivedAt: new Date(), ...change };
}

function placementOf(connection: ProviderConnectionEntity) {
  return { connectionId: connection.id, provider: connection.provider };
}

function rejected(error: ProviderError): Observation['verdict'] {
  return {
    status: 'failed',
    endReason: 'provider_rejected',
    error: { code: 'provider_error', message: error.message },
  };
}
