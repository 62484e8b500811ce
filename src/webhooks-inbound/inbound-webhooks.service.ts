import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayError, InboundWebhookRequest, isIdOf, NotFoundError, WebhookObservation } from '@switchboard/core';
import { DataSource, EntityManager } from 'typeorm';
import { CallEntity } from '../calls/call.entity';
import { CallsRepository } from '../calls/calls.repository';
import { CallLedger, providerCallLockKey } from '../ledger/call-ledger';
import { fromWebhook } from '../ledger/observation';
import { AdapterCache } from '../providers/adapter-cache.service';
import { ConnectionsRepository } from '../providers/connections.repository';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { WebhookTargets } from '../providers/webhook-targets.service';
import { dedupKey, storableHeaders } from './webhook-dedup';
import { externalCall } from './external-call';
import { InboundWebhooksRepository, NewInboundWebhook } from './inbound-webhooks.repository';

export interface WebhookReceipt {
  received: true;
  duplicate: boolean;
  /** `applied` to a call, `pending` until its call is known, `ignored` (nothing to apply). */
  state: 'applied' | 'pending' | 'ignored';
}

/**
 * Receives one vendor webhook: checks it is the vendor's, stores it raw, drops duplicates,
 * and applies it to its call through the ledger, all in one transaction (one statement when
 * there is nothing to apply), so a 200 means it is durably stored and either applied or
 * waiting for its call.
 */
@Injectable()
export class InboundWebhooksService {
  private readonly logger = new Logger(InboundWebhooksService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly adapters: AdapterCache,
    private readonly targets: WebhookTargets,
    private readonly webhooks: InboundWebhooksRepository,
    private readonly calls: CallsRepository,
    private readonly ledger: CallLedger,
  ) {}

  async receive(
    provider: string,
    connectionId: string,
    request: InboundWebhookRequest,
    requestId?: string,
  ): Promise<WebhookReceipt> {
    const connection = isIdOf('connection', connectionId) ? await this.connections.findCached(connectionId) : null;
    if (!connection || connection.provider !== provider)
      throw new NotFoundError(`${provider} connection`, connectionId);
    const adapter = this.adapters.adapterFor(connection);
    const secret = this.targets.secretOf(connection);
    const verdict = secret
      ? adapter.verifyWebhook(request, secret, new Date())
      : ({ ok: false, reason: 'missing_signature' } as const);
    if (!verdict.ok) {
      this.logger.warn(
        { request_id: requestId, connection_id: connection.id, provider, reason: verdict.reason },
        'Refused a vendor webhook',
      );
      throw new GatewayError('unauthorized', WHY_REFUSED[verdict.reason]);
    }
    const parsed = adapter.parseWebhook(request);
    if (parsed.kind === 'invalid')
      throw new GatewayError('invalid_json', `Not a ${provider} webhook this gateway understands: ${parsed.message}`);
    const observation = parsed.kind === 'call' ? parsed.observation : null;
    const eventType = parsed.kind === 'call' ? parsed.observation.eventType : parsed.eventType;
    const receivedAt = new Date();

    const stored: NewInboundWebhook = {
      connectionId: connection.id,
      provider,
      dedupKey: dedupKey(provider, observation, eventType, request.rawBody),
      eventType,
      providerCallId: observation?.providerCallId ?? null,
      occurredAt: observation?.occurredAt ? new Date(observation.occurredAt) : null,
      receivedAt,
      headers: storableHeaders(request.headers),
      body: request.rawBody,
      observation,
      state: observation ? 'pending' : 'ignored',
    };
    if (!observation) {
      // Nothing to apply: stored as it is, outside a transaction.
      const id = await this.webhooks.insertUnlessDuplicate(this.dataSource.manager, stored);
      return { received: true, duplicate: !id, state: 'ignored' };
    }
    return this.dataSource.transaction(async (tx) => {
      // One statement: the webhook stored unless a duplicate, then (only if stored) the
      // vendor-id lock, the call it is tied to and that call's row lock. The lock is the one
      // the create that learns this vendor id takes: either it committed first and the call
      // is found here, or this webhook is committed as pending before it looks.
      const params: unknown[] = [];
      const insert = this.webhooks.insertCte(stored, params);
      const found = await this.calls.lockByVendorId(
        tx,
        {
          lockKey: providerCallLockKey(observation.providerCallId),
          connectionId: connection.id,
          providerCallId: observation.providerCallId,
        },
        { ctes: insert.cte, name: 'stored', params },
      );
      if (!found.gated) return { received: true, duplicate: true, state: 'ignored' } as WebhookReceipt;
      const state = await this.apply(tx, insert.id, connection, observation, receivedAt, found);
      return { received: true, duplicate: false, state } as WebhookReceipt;
    });
  }

  private async apply(
    tx: EntityManager,
    webhookId: string,
    connection: ProviderConnectionEntity,
    observation: WebhookObservation,
    receivedAt: Date,
    found: { callId: string | null; call: CallEntity | null },
  ): Promise<WebhookReceipt['state']> {
    if (found.callId) {
      // Locked in the statement above; by id only if its snapshot missed the row (see lockByVendorId).
      const locked = found.call ?? (await this.calls.lock(tx, found.callId)) ?? undefined;
      return this.applyTo(tx, webhookId, found.callId, observation, receivedAt, locked);
    }
    const callId = await this.byReference(tx, connection, observation);
    if (!callId) {
      // A call the gateway did not place. Inbound calls are news at once; an outbound one may
      // be a create whose response is still on its way, so it waits (the reconciler decides).
      if (observation.call.direction !== 'inbound') return 'pending';
      const call = externalCall(connection, observation, receivedAt);
      await this.ledger.open(tx, call, {
        source: 'webhook',
        vendorEventType: observation.eventType,
        occurredAt: null,
        receivedAt,
      });
      await this.applyTo(tx, webhookId, call.id, observation, receivedAt);
      return 'applied';
    }
    return this.applyTo(tx, webhookId, callId, observation, receivedAt);
  }

  private async applyTo(
    tx: EntityManager,
    webhookId: string,
    callId: string,
    observation: WebhookObservation,
    receivedAt: Date,
    locked?: CallEntity,
  ): Promise<'applied' | 'ignored'> {
    const call = await this.ledger.apply(tx, callId, fromWebhook(observation, receivedAt), {
      providerCallLockHeld: true,
      locked,
      settles: webhookId,
    });
    if (!call.deletedAt) return 'applied';
    // A deleted call's tombstone takes no news.
    await this.webhooks.settle(tx, webhookId, 'ignored', callId);
    return 'ignored';
  }

  /** The vendor echoed the gateway's call id: a call whose create has not returned its vendor id yet. */
  private async byReference(
    tx: EntityManager,
    connection: ProviderConnectionEntity,
    observation: WebhookObservation,
  ): Promise<string | null> {
    if (!observation.reference || !isIdOf('call', observation.reference)) return null;
    const call: CallEntity | null = await this.calls.lock(tx, observation.reference);
    return call && call.connectionId === connection.id && !call.providerCallId ? call.id : null;
  }
}

const WHY_REFUSED = {
  missing_signature: 'The webhook carries no signature or secret for this connection.',
  bad_signature: 'The webhook signature does not match this connection.',
  stale_timestamp: 'The webhook timestamp is too far from now; replays are refused.',
} as const;
