import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CapabilityUnsupportedError,
  ConflictError,
  GatewayError,
  isIdOf,
  isTerminal,
  NotFoundError,
  ProviderAdapter,
  ProviderError,
  ProvidersUnavailableError,
  ValidationFailedError,
} from '@switchboard/core';
import { DataSource } from 'typeorm';
import { AgentsService } from '../agents/agents.service';
import { EventLogRepository } from '../events/event-log.repository';
import { AnswerAlongside, CallLedger } from '../ledger/call-ledger';
import { CallSettler } from '../ledger/call-settler';
import { createInFlight } from '../ledger/stranded-rules';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';
import { ConfigVariables } from '../config/config.variables';
import type { RequestContext } from '../common/request-context';
import { databaseFor } from '../database/request-database';
import { WebhookUrlGuard } from '../delivery/webhook-url-guard.service';
import { IdempotencyClaim, IdempotencyService } from '../idempotency/idempotency.service';
import { CONNECTION_SIGNALS, ConnectionSignals } from '../routing/connection-signals';
import { Dispatcher, PlacementInput } from '../routing/dispatcher';
import { Candidate, demoteUnhealthy, planRoute, providerFieldProblem } from '../routing/routing-plan';
import { CallEntity } from './call.entity';
import { newCallEntity } from './call-factory';
import { checkCallInput } from './call-input';
import { CallRefreshService } from './call-refresh.service';
import { CallResponse, toCallResponse } from './call-response';
import { CallsRepository } from './calls.repository';
import { Destination, DESTINATION_PROBLEM, normalizeDestination } from './destination';
import { ControlCallDto, CreateCallDto, ListCallsDto } from './dto/call.dto';

/** The rules of the calls API: what may be placed, read, ended, controlled or deleted. */
@Injectable()
export class CallsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly ledger: CallLedger,
    private readonly eventLog: EventLogRepository,
    private readonly agents: AgentsService,
    private readonly providers: ProvidersService,
    private readonly dispatcher: Dispatcher,
    private readonly idempotency: IdempotencyService,
    private readonly refresher: CallRefreshService,
    private readonly config: ConfigVariables,
    private readonly webhookUrls: WebhookUrlGuard,
    private readonly settler: CallSettler,
    @Inject(CONNECTION_SIGNALS) private readonly signals: ConnectionSignals,
  ) {}

  /**
   * One `to` → the call; an array → `{ data: [...] }`, each element a call or its own error,
   * placed a few at a time, each failing over on its own. Under an Idempotency-Key each call
   * is recorded on the key as it is stored, so a retry after a crash resumes it.
   */
  async create(
    dto: CreateCallDto,
    claim?: IdempotencyClaim,
    context?: RequestContext,
  ): Promise<CallResponse | { data: unknown[] }> {
    const { destinations, problems } = checkCallInput(dto);
    const providerProblem = providerFieldProblem(dto.provider);
    const pinned = !providerProblem && dto.provider && isIdOf('connection', dto.provider) ? dto.provider : null;
    const { agent, connections, pinnedExists } = await this.agents.findForCall(dto.agent_id, pinned, context);
    if (!agent) problems.push({ field: 'agent_id', message: 'no such agent' });
    if (providerProblem) problems.push(providerProblem);
    else if (pinned && !pinnedExists) problems.push({ field: 'provider', message: 'no such provider connection' });
    // Outside sandbox mode a webhook_url may not aim the gateway at its own network (SSRF).
    const unsafeWebhook =
      dto.webhook_url !== undefined ? await this.webhookUrls.check(dto.webhook_url, 'webhook_url') : null;
    if (unsafeWebhook) problems.push(unsafeWebhook);
    if (problems.length) throw new ValidationFailedError(problems);

    const plan = planRoute({
      agentId: agent!.id,
      bindings: agent!.bindings,
      connections,
      request: { provider: dto.provider, ...dto.routing },
      defaults: agent!.routing,
    });
    if (!plan.ok && 'problems' in plan) throw new ValidationFailedError(plan.problems);
    if (!plan.ok) throw new ProvidersUnavailableError(plan.unavailable, [], null, true);
    const demoted = await this.signals.demoted(plan.candidates.map((c) => c.connection.id));
    const ordered = demoteUnhealthy(plan.candidates, (id) => demoted.has(id));
    const routeFor = (destination: Destination) => this.candidatesFor(ordered, destination);
    const place = (destination: Destination, index: number) =>
      this.placeOne(dto, agent!.id, routeFor(destination), destination, index, claim, plan.failover, context);

    if (!Array.isArray(dto.to)) return place(destinations[0], 0);
    // Refuse the whole batch up front when some number cannot be carried by any connection.
    destinations.forEach(routeFor);
    const data = await mapConcurrently(destinations, this.config.ROUTING_BATCH_CONCURRENCY, (destination, i) =>
      place(destination, i).catch((e: unknown) => {
        if (!(e instanceof GatewayError)) throw e;
        return {
          object: 'error',
          to: destination.value,
          error: { code: e.code, message: e.message, details: e.details },
        };
      }),
    );
    return { data };
  }

  /** Served from the gateway's copy only: webhooks and the reconciler keep it current. */
  async list(query: ListCallsDto): Promise<{ data: CallResponse[]; has_more: boolean; next_cursor: string | null }> {
    const page = await this.calls.list(query);
    return { data: page.rows.map(toCallResponse), has_more: page.has_more, next_cursor: page.next_cursor };
  }

  async get(id: string, refresh = false, context?: RequestContext): Promise<CallResponse> {
    const call = await this.find(id, context);
    return toCallResponse(refresh ? await this.refresher.refresh(call, 'poll', context) : call);
  }

  /**
   * Ends a live call at its vendor. A create whose outcome is unknown is looked up first:
   * provably never placed → settled `canceled` here (200); found → adopted, then canceled at
   * its vendor. A call its vendor no longer knows is settled `lost` (200 with that call).
   */
  async cancel(id: string, context?: RequestContext): Promise<CallResponse> {
    let call = await this.find(id, context);
    if (isTerminal(call.status)) throw ended(call);
    const { connection, adapter } = await this.connectionOf(call, context);
    if (!call.providerCallId) {
      call = await this.settler.recheck(call, adapter, { absentAs: 'canceled', endedOnly: false }, context);
      // Canceled here because no vendor placed it; found already ended at its vendor: too late.
      if (isTerminal(call.status)) {
        if (call.status === 'canceled' && !call.providerCallId) return toCallResponse(call);
        throw ended(call);
      }
      if (!call.providerCallId) throw this.unconfirmed(call, 'canceled');
    }
    if (!adapter.capabilities.cancelCall) {
      // The vendor cannot end calls, but it can say whether it still has this one.
      const current = await this.settler.recheck(call, adapter, { absentAs: 'not_placed', endedOnly: true }, context);
      if (isTerminal(current.status)) throw ended(current);
      throw new CapabilityUnsupportedError(connection.provider, 'cancelCall');
    }
    try {
      await adapter.cancelCall(call.providerCallId!);
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found')
        return toCallResponse(
          await this.settler.settle(call.id, 'lost', 'The vendor has no record of this call.', 'poll', context),
        );
      throw e;
    }
    // The vendor's own final word decides the status. (No vendor today ends a call before it
    // is answered; one that does should report it, and the adapter map it, as `canceled`.)
    return toCallResponse(await this.refresher.refresh(call, 'poll', context));
  }

  async control(id: string, dto: ControlCallDto, context?: RequestContext): Promise<CallResponse> {
    const call = await this.find(id, context);
    const { connection, adapter } = await this.adapterOf(call, context);
    if (!adapter.capabilities.control.includes(dto.action))
      throw new CapabilityUnsupportedError(connection.provider, `control:${dto.action}`);
    if (!['ringing', 'in_progress'].includes(call.status))
      throw new ConflictError(`Call ${id} is not live (${call.status}).`);
    const problems = [];
    if (['say', 'inject_context'].includes(dto.action) && !dto.text)
      problems.push({ field: 'text', message: `is required for ${dto.action}` });
    // A transfer target is read exactly as a create's `to`: the vendor sees E.164 or a SIP URI.
    const to = dto.action === 'transfer' && dto.to ? normalizeDestination(dto.to)?.value : dto.to;
    if (dto.action === 'transfer' && !dto.to) problems.push({ field: 'to', message: 'is required for transfer' });
    else if (dto.action === 'transfer' && !to) problems.push({ field: 'to', message: DESTINATION_PROBLEM });
    if (problems.length) throw new ValidationFailedError(problems);
    await adapter.controlCall(call.providerCallId!, { action: dto.action, text: dto.text, to });
    return toCallResponse(await this.refresher.refresh(call, 'poll', context));
  }

  /** The row stays as a tombstone and its events stay in the log; `call.deleted` is appended. */
  async remove(id: string, context?: RequestContext): Promise<void> {
    let call = await this.find(id, context);
    if (!isTerminal(call.status)) {
      // A live call may be stranded (its vendor forgot it, or never placed it): ask first.
      const { connection, adapter } = await this.connectionOf(call, context);
      call = await this.settler.recheck(call, adapter, { absentAs: 'not_placed', endedOnly: true }, context);
      if (!call.providerCallId && !isTerminal(call.status)) throw this.unconfirmed(call, 'deleted');
      if (!isTerminal(call.status))
        throw new ConflictError(
          adapter.capabilities.cancelCall
            ? `Call ${id} is still active (${call.status}); cancel it or wait for it to end.`
            : `Call ${id} is still active (${call.status}); ${connection.provider} cannot cancel calls, so wait for it to end.`,
        );
    }
    if (call.connectionId && call.providerCallId) {
      const connection = await this.providers.find(call.connectionId, context).catch(onlyNotFound);
      const adapter = connection ? this.providers.adapterFor(connection, context) : null;
      if (adapter?.capabilities.deleteCall)
        await adapter.deleteCall(call.providerCallId).catch((e) => this.ignoreGone(e));
    }
    await databaseFor(this.dataSource, context).transaction((tx) => this.ledger.delete(tx, id, new Date()));
  }

  async timeline(id: string) {
    await this.find(id);
    return { data: await this.eventLog.forCall(id) };
  }

  private async placeOne(
    dto: CreateCallDto,
    agentId: string,
    candidates: Candidate<ProviderConnectionEntity>[],
    destination: Destination,
    index: number,
    claim: IdempotencyClaim | undefined,
    failover: boolean,
    context: RequestContext | undefined,
  ): Promise<CallResponse> {
    const resumed = claim?.resume?.[String(index)];
    if (resumed) {
      const call = await this.calls.find(resumed, context);
      if (call) return this.resume(call, dto, candidates, failover, context);
    }
    const call = newCall(dto, agentId, candidates[0].connection, destination);
    const opening = { source: 'create' as const, vendorEventType: null, occurredAt: null, receivedAt: call.createdAt };
    // One autocommit statement; with an Idempotency-Key, the key records the call in the same one.
    const db = databaseFor(this.dataSource, context);
    const stored = this.ledger.open(
      db.manager,
      call,
      opening,
      claim ? (params) => this.idempotency.recordCallCte(claim, index, call.id, params) : undefined,
    );
    // The vendor request is prepared while the row is written and sent once it is committed
    // (Dispatcher.place). Prepared on the loop's next turn: started at once, its synchronous
    // work would run before the row's statement reaches the database and hold that back.
    // A single create's response is the placed call: with a key, stored on it by the answer's
    // own statement (a batch's is all of its calls, completed by the gate after the last).
    const answered = claim && !Array.isArray(dto.to) ? this.keyResponse(claim) : undefined;
    const placing = nextTurn().then(() =>
      this.dispatcher.place(call, candidates, placementInput(dto, call), { failover, stored, answered }, context),
    );
    // Both settle: a failed write is the create's error, and the placement it stopped fails with it.
    const [written, placed] = await Promise.allSettled([stored, placing]);
    if (written.status === 'rejected') throw written.reason;
    if (placed.status === 'rejected') throw placed.reason;
    return toCallResponse(placed.value);
  }

  /** The Idempotency-Key's response, the call as placed, written with the vendor's answer. */
  private keyResponse(claim: IdempotencyClaim): AnswerAlongside {
    return {
      cte: (placed, params, gate) => this.idempotency.completeCte(claim, toCallResponse(placed), params, gate),
      written: () => (claim.completed = true),
    };
  }

  /**
   * The same request again after the first one died (its Idempotency-Key lease ran out): the
   * call it stored is settled at its vendor first and dialed only if provably never placed.
   */
  private async resume(
    call: CallEntity,
    dto: CreateCallDto,
    candidates: Candidate<ProviderConnectionEntity>[],
    failover: boolean,
    context: RequestContext | undefined,
  ): Promise<CallResponse> {
    if (call.providerCallId) return toCallResponse(await this.settler.recordLostAnswer(call, context));
    if (isTerminal(call.status)) return toCallResponse(call);
    const settled = await this.dispatcher.settleUnconfirmed(call, context);
    if (settled.state === 'found') return toCallResponse(settled.call);
    if (settled.state === 'absent')
      return toCallResponse(
        await this.dispatcher.place(call, candidates, placementInput(dto, call), { failover }, context),
      );
    throw new GatewayError(
      'provider_timeout',
      `The earlier request's call ${call.id} may have been placed and its vendor cannot tell yet; the reconciler settles it.`,
      [{ call_id: call.id, call: toCallResponse(call) }],
    );
  }

  /** The connection a call was placed on, confirmed there or not. */
  private async connectionOf(
    call: CallEntity,
    context: RequestContext | undefined,
  ): Promise<{ connection: ProviderConnectionEntity; adapter: ProviderAdapter }> {
    if (!call.connectionId) throw new ConflictError(`Call ${call.id} was never placed on a provider connection.`);
    return this.providers.withAdapter(call.connectionId, context);
  }

  /**
   * A create whose outcome its vendor cannot tell yet: nothing can be done to the call
   * until it can, and the reconciler keeps asking until its bound, when it settles the call
   * whatever it learned. Says when, rather than pointing at another endpoint.
   */
  private unconfirmed(call: CallEntity, action: 'canceled' | 'deleted'): ConflictError {
    if (createInFlight(call, new Date(), this.config.RECONCILE_AFTER_SECONDS * 1000))
      return new ConflictError(
        `Call ${call.id} cannot be ${action} yet: its create is still waiting for ${call.provider ?? 'the vendor'} to answer.`,
      );
    const bound = new Date(call.createdAt.getTime() + this.config.RECONCILE_GIVE_UP_AFTER_SECONDS * 1000).toISOString();
    return new ConflictError(
      `Call ${call.id} cannot be ${action} yet: whether its create reached ${call.provider ?? 'the vendor'} is still unknown and the vendor cannot tell. ` +
        `The reconciler keeps looking and settles the call by ${bound} at the latest` +
        (action === 'deleted' ? '; it can be deleted once it has ended.' : '.'),
    );
  }

  /** The connection a call lives on; a call the vendor never confirmed cannot be acted on there. */
  private async adapterOf(
    call: CallEntity,
    context: RequestContext | undefined,
  ): Promise<{ connection: ProviderConnectionEntity; adapter: ProviderAdapter }> {
    if (!call.connectionId || !call.providerCallId)
      throw new ConflictError(
        `Call ${call.id} has no confirmed call at a provider (its create failed or its outcome is still unknown).`,
      );
    return this.providers.withAdapter(call.connectionId, context);
  }

  /** The planned connections that can take this destination (SIP only where the vendor takes it). */
  private candidatesFor(
    candidates: Candidate<ProviderConnectionEntity>[],
    destination: Destination,
  ): Candidate<ProviderConnectionEntity>[] {
    if (destination.kind !== 'sip') return candidates;
    const able = candidates.filter((c) => this.providers.adapterFor(c.connection).capabilities.sipDestinations);
    if (!able.length) throw new CapabilityUnsupportedError(candidates[0].connection.provider, 'sipDestinations');
    return able;
  }

  private ignoreGone(e: unknown): void {
    if (e instanceof ProviderError && e.kind === 'not_found') return;
    throw e;
  }

  private async find(id: string, context?: RequestContext): Promise<CallEntity> {
    const call = isIdOf('call', id) ? await this.calls.find(id, context) : null;
    if (!call) throw new NotFoundError('call', id);
    return call;
  }
}

/** Only what the client asked for: adapters apply their connection's own defaults. */
function placementInput(dto: CreateCallDto, call: CallEntity): PlacementInput {
  return {
    to: call.to,
    from: dto.from,
    firstMessage: call.firstMessage ?? undefined,
    context: call.context ?? undefined,
    variables: call.variables ?? undefined,
    record: call.record,
    maxDurationSeconds: call.maxDurationSeconds ?? undefined,
    metadata: call.metadata,
    customer: call.customer,
  };
}

function ended(call: CallEntity): ConflictError {
  return new ConflictError(
    `Call ${call.id} has already ended (${call.status}${call.endReason ? `, ${call.endReason}` : ''}).`,
  );
}

function onlyNotFound(e: unknown): null {
  if (e instanceof NotFoundError) return null;
  throw e;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the input order in the result. */
async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A queued outbound call as the client asked for it, before any vendor has said anything. */
function newCall(
  dto: CreateCallDto,
  agentId: string,
  connection: ProviderConnectionEntity,
  destination: Destination,
): CallEntity {
  return newCallEntity({
    direction: 'outbound',
    provider: connection.provider,
    connectionId: connection.id,
    agentId,
    to: destination.value,
    from: dto.from ?? connection.defaults.from ?? null,
    customer: dto.customer ? { ...dto.customer } : null,
    context: dto.context ?? null,
    firstMessage: dto.first_message ?? null,
    variables: dto.variables ?? null,
    metadata: dto.metadata ?? {},
    record: dto.record ?? true,
    maxDurationSeconds: dto.max_duration_seconds ?? null,
    webhookUrl: dto.webhook_url ?? null,
  });
}

/** Resolves after the I/O the current turn of the event loop started, such as a statement's write. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
