import { Injectable } from '@nestjs/common';
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
  ValidationFailedError,
} from '@switchboard/core';
import { DataSource } from 'typeorm';
import { AgentsService } from '../agents/agents.service';
import { EventLogRepository } from '../events/event-log.repository';
import { CallLedger } from '../ledger/call-ledger';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersService } from '../providers/providers.service';
import { WebhookTargets } from '../providers/webhook-targets.service';
import { CallAttempt, CallEntity } from './call.entity';
import { newCallEntity } from './call-factory';
import { checkCallInput } from './call-input';
import { CallRefreshService } from './call-refresh.service';
import { CallResponse, toCallResponse } from './call-response';
import { CallRouter, CallTarget } from './call-router';
import { CallsRepository } from './calls.repository';
import { Destination } from './destination';
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
    private readonly webhookTargets: WebhookTargets,
    private readonly router: CallRouter,
    private readonly refresher: CallRefreshService,
  ) {}

  /** One `to` → the call; an array → `{ data: [...] }`, each element a call or its own error. */
  async create(dto: CreateCallDto): Promise<CallResponse | { data: unknown[] }> {
    const { destinations, problems } = checkCallInput(dto);
    const agent = isIdOf('agent', dto.agent_id) ? await this.agents.find(dto.agent_id).catch(() => null) : null;
    if (!agent) problems.push({ field: 'agent_id', message: 'no such agent' });
    problems.push(...(await this.router.problems(dto)));
    if (problems.length) throw new ValidationFailedError(problems);
    const target = await this.router.choose(agent!, dto);
    for (const destination of destinations) this.requireDestinationSupport(target.connection, destination);

    if (!Array.isArray(dto.to)) return this.placeOne(dto, agent!.id, target, destinations[0], true);
    const data: unknown[] = [];
    for (const destination of destinations) {
      try {
        data.push(await this.placeOne(dto, agent!.id, target, destination, false));
      } catch (e) {
        if (!(e instanceof GatewayError)) throw e;
        data.push({ object: 'error', to: destination.value, error: { code: e.code, message: e.message, details: e.details } });
      }
    }
    return { data };
  }

  /** Served from the gateway's copy only: webhooks and the reconciler keep it current. */
  async list(query: ListCallsDto): Promise<{ data: CallResponse[]; has_more: boolean; next_cursor: string | null }> {
    const page = await this.calls.list(query);
    return { data: page.rows.map(toCallResponse), has_more: page.has_more, next_cursor: page.next_cursor };
  }

  async get(id: string, refresh = false): Promise<CallResponse> {
    const call = await this.find(id);
    return toCallResponse(refresh ? await this.refresher.refresh(call) : call);
  }

  async cancel(id: string): Promise<CallResponse> {
    const call = await this.find(id);
    if (isTerminal(call.status)) throw new ConflictError(`Call ${id} has already ended (${call.status}).`);
    const { connection, adapter } = await this.adapterOf(call);
    if (!adapter.capabilities.cancelCall) throw new CapabilityUnsupportedError(connection.provider, 'cancelCall');
    await adapter.cancelCall(call.providerCallId!);
    // The vendor's own final word decides the status. (No vendor today ends a call before it
    // is answered; one that does should report it, and the adapter map it, as `canceled`.)
    return toCallResponse(await this.refresher.refresh(call));
  }

  async control(id: string, dto: ControlCallDto): Promise<CallResponse> {
    const call = await this.find(id);
    const { connection, adapter } = await this.adapterOf(call);
    if (!adapter.capabilities.control.includes(dto.action)) throw new CapabilityUnsupportedError(connection.provider, `control:${dto.action}`);
    if (!['ringing', 'in_progress'].includes(call.status)) throw new ConflictError(`Call ${id} is not live (${call.status}).`);
    const problems = [];
    if (['say', 'inject_context'].includes(dto.action) && !dto.text) problems.push({ field: 'text', message: `is required for ${dto.action}` });
    if (dto.action === 'transfer' && !dto.to) problems.push({ field: 'to', message: 'is required for transfer' });
    if (problems.length) throw new ValidationFailedError(problems);
    await adapter.controlCall(call.providerCallId!, { action: dto.action, text: dto.text, to: dto.to });
    return toCallResponse(await this.refresher.refresh(call));
  }

  /** The row stays as a tombstone and its events stay in the log; `call.deleted` is appended. */
  async remove(id: string): Promise<void> {
    const call = await this.find(id);
    if (!isTerminal(call.status)) throw new ConflictError(`Call ${id} is still active (${call.status}); cancel it or wait for it to end.`);
    if (call.connectionId && call.providerCallId) {
      const connection = await this.providers.find(call.connectionId).catch(() => null);
      const adapter = connection ? this.providers.adapterFor(connection) : null;
      if (adapter?.capabilities.deleteCall) await adapter.deleteCall(call.providerCallId).catch((e) => this.ignoreGone(e));
    }
    await this.dataSource.transaction((tx) => this.ledger.delete(tx, id, new Date()));
  }

  async timeline(id: string) {
    await this.find(id);
    return { data: await this.eventLog.forCall(id) };
  }

  private async placeOne(dto: CreateCallDto, agentId: string, target: CallTarget, destination: Destination, single: boolean) {
    const { connection, adapter, providerAgentId } = target;
    // Before anything is stored: a vendor that must register webhooks first and cannot has dialed nothing.
    const webhook = await this.webhookTargets.forCreate(connection, adapter);
    const call = newCall(dto, agentId, connection, destination);
    await this.dataSource.transaction((tx) => this.ledger.open(tx, call, { source: 'create', vendorEventType: null, occurredAt: null, receivedAt: call.createdAt }));
    const attempt = (outcome: CallAttempt['outcome'], errorCode: string | null): CallAttempt => ({
      connection_id: connection.id,
      provider: connection.provider,
      outcome,
      error_code: errorCode,
      at: new Date().toISOString(),
    });
    try {
      const result = await adapter.createCall({
        to: destination.value,
        // Only what the client asked for: adapters apply their connection's own default.
        from: dto.from,
        providerAgentId,
        firstMessage: call.firstMessage ?? undefined,
        context: call.context ?? undefined,
        variables: call.variables ?? undefined,
        record: call.record,
        maxDurationSeconds: call.maxDurationSeconds ?? undefined,
        metadata: call.metadata,
        customer: call.customer,
        reference: call.id,
        webhook,
      });
      const observation = { source: 'create' as const, vendorEventType: null, occurredAt: null, receivedAt: new Date(), vendor: result.call, attempt: attempt('created', null), warnings: result.warnings };
      return toCallResponse(await this.dataSource.transaction((tx) => this.ledger.apply(tx, call.id, observation)));
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      // An ambiguous create may have dialed: the call stays queued until it is found or reconciled.
      const ambiguous = e.kind === 'ambiguous';
      await this.dataSource.transaction((tx) =>
        this.ledger.apply(tx, call.id, {
          source: 'create',
          vendorEventType: null,
          occurredAt: null,
          receivedAt: new Date(),
          attempt: attempt(ambiguous ? 'ambiguous' : 'failed', e.vendorCode ?? e.kind),
          verdict: ambiguous ? undefined : { status: 'failed', endReason: 'provider_rejected', error: { code: 'provider_error', message: e.message } },
        }),
      );
      // The call is kept (failed, or queued while its outcome is unknown): tell the client which.
      e.details.push({ call_id: call.id });
      if (e.kind === 'invalid_request' && e.fieldErrors.length && single) throw new ValidationFailedError(e.fieldErrors);
      throw e;
    }
  }

  /** The connection a call lives on; a call the vendor never confirmed cannot be acted on there. */
  private async adapterOf(call: CallEntity): Promise<{ connection: ProviderConnectionEntity; adapter: ProviderAdapter }> {
    if (!call.connectionId || !call.providerCallId)
      throw new ConflictError(`Call ${call.id} has no confirmed call at a provider (its create failed or its outcome is still unknown).`);
    return this.providers.withAdapter(call.connectionId);
  }

  private requireDestinationSupport(connection: ProviderConnectionEntity, destination: Destination): void {
    if (destination.kind === 'sip' && !this.providers.adapterFor(connection).capabilities.sipDestinations)
      throw new CapabilityUnsupportedError(connection.provider, 'sipDestinations');
  }

  private ignoreGone(e: unknown): void {
    if (e instanceof ProviderError && e.kind === 'not_found') return;
    throw e;
  }

  private async find(id: string): Promise<CallEntity> {
    const call = isIdOf('call', id) ? await this.calls.find(id) : null;
    if (!call) throw new NotFoundError('call', id);
    return call;
  }
}

/** A queued outbound call as the client asked for it, before any vendor has said anything. */
function newCall(dto: CreateCallDto, agentId: string, connection: ProviderConnectionEntity, destination: Destination): CallEntity {
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
