import { Injectable } from '@nestjs/common';
import { ConflictError, FieldProblem, isIdOf, newId, NotFoundError, ValidationFailedError } from '@switchboard/core';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { ListQueryDto, Page } from '../common/pagination';
import { DefaultSigningSecret } from '../delivery/default-signing-secret';
import { DeliveriesRepository, DeliveryView } from '../delivery/deliveries.repository';
import { DeliveryWorker } from '../delivery/delivery-worker';
import { newSigningSecret } from '../delivery/signature-headers';
import { WebhookUrlGuard } from '../delivery/webhook-url-guard.service';
import { EventLogRepository } from '../events/event-log.repository';
import { EVENT_TYPES, expandEventTypes } from '../events/event-types';
import {
  CreateWebhookEndpointDto,
  ListDeliveriesDto,
  RedeliverDto,
  ReplayDto,
  UpdateWebhookEndpointDto,
} from './dto/webhook-endpoint.dto';
import { toWebhookEndpointResponse, WebhookEndpointResponse } from './webhook-endpoint-response';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** How long the secret before a rotation keeps signing deliveries beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** Webhook endpoints and their deliveries: the rules behind /v1/webhook-endpoints and redelivery. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly events: EventLogRepository,
    private readonly guard: WebhookUrlGuard,
    private readonly cipher: CredentialCipher,
    private readonly defaultSecret: DefaultSigningSecret,
    private readonly worker: DeliveryWorker,
  ) {}

  async create(dto: CreateWebhookEndpointDto): Promise<WebhookEndpointResponse> {
    const eventTypes = dto.event_types ?? [];
    await this.validate(dto.url, eventTypes);
    const secret = newSigningSecret();
    const endpoint = await this.endpoints.save(
      this.endpoints.build({
        id: newId('webhookEndpoint'),
        url: dto.url,
        description: dto.description ?? null,
        eventTypes,
        subscribedTypes: expandEventTypes(eventTypes),
        enabled: dto.enabled ?? true,
        disabledReason: null,
        failingSince: null,
        secretEncrypted: this.cipher.encrypt(secret),
        previousSecretEncrypted: null,
        previousSecretExpiresAt: null,
      }),
    );
    return { ...toWebhookEndpointResponse(endpoint), secret };
  }

  async list(query: ListQueryDto): Promise<Page<WebhookEndpointResponse>> {
    const page = await this.endpoints.page(query);
    return {
      data: page.rows.map((e) => toWebhookEndpointResponse(e)),
      has_more: page.has_more,
      next_cursor: page.next_cursor,
    };
  }

  async get(id: string): Promise<WebhookEndpointResponse> {
    return toWebhookEndpointResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointResponse> {
    const endpoint = await this.find(id);
    await this.validate(dto.url, dto.event_types);
    if (dto.url !== undefined) endpoint.url = dto.url;
    if (dto.description !== undefined) endpoint.description = dto.description;
    if (dto.event_types !== undefined) {
      endpoint.eventTypes = dto.event_types;
      endpoint.subscribedTypes = expandEventTypes(dto.event_types);
    }
    if (dto.enabled !== undefined && dto.enabled !== endpoint.enabled) {
      endpoint.enabled = dto.enabled;
      // Enabling again starts afresh; a client's own disable carries no reason.
      endpoint.disabledReason = null;
      endpoint.failingSince = null;
    }
    return toWebhookEndpointResponse(await this.endpoints.save(endpoint));
  }

  async remove(id: string): Promise<void> {
    if (!isIdOf('webhookEndpoint', id) || !(await this.endpoints.delete(id)))
      throw new NotFoundError('webhook endpoint', id);
  }

  /** A new secret, shown once; the old one keeps signing (beside it) for 24 h, so consumers can switch without a gap. */
  async rotateSecret(id: string): Promise<WebhookEndpointResponse> {
    const endpoint = await this.find(id);
    const secret = newSigningSecret();
    endpoint.previousSecretEncrypted = endpoint.secretEncrypted;
    endpoint.previousSecretExpiresAt = new Date(Date.now() + ROTATION_OVERLAP_MS);
    endpoint.secretEncrypted = this.cipher.encrypt(secret);
    return { ...toWebhookEndpointResponse(await this.endpoints.save(endpoint)), secret };
  }

  defaultSigningSecret(): { object: 'default_webhook_secret'; secret: string } {
    return { object: 'default_webhook_secret', secret: this.defaultSecret.value };
  }

  async listDeliveries(id: string, query: ListDeliveriesDto): Promise<Page<DeliveryView>> {
    await this.find(id);
    return this.deliveries.pageForEndpoint(id, query.limit ?? 50, query.cursor, query.status);
  }

  async replay(
    id: string,
    dto: ReplayDto,
  ): Promise<{ object: 'replay'; endpoint_id: string; after_sequence: number; deliveries_created: number }> {
    const endpoint = await this.find(id);
    if (!endpoint.enabled)
      throw new ConflictError('The endpoint is disabled; enable it before replaying events to it.');
    const created = await this.deliveries.replay(id, dto.after_sequence);
    this.worker.wake();
    return { object: 'replay', endpoint_id: id, after_sequence: dto.after_sequence, deliveries_created: created };
  }

  async redeliver(eventId: string, dto: RedeliverDto): Promise<{ object: 'list'; data: DeliveryView[] }> {
    const event = isIdOf('event', eventId) ? await this.events.findById(eventId) : null;
    if (!event) throw new NotFoundError('event', eventId);
    if (dto.endpoint_id !== undefined) {
      const endpoint = await this.find(dto.endpoint_id);
      if (!endpoint.enabled) throw new ConflictError('The endpoint is disabled; enable it before redelivering to it.');
      if (endpoint.subscribedTypes.length && !endpoint.subscribedTypes.includes(event.type))
        throw new ConflictError(`The endpoint is not subscribed to ${event.type}.`);
    }
    const data = await this.deliveries.redeliver(eventId, dto.endpoint_id ?? null);
    this.worker.wake();
    return { object: 'list', data };
  }

  private async find(id: string): Promise<WebhookEndpointEntity> {
    const endpoint = isIdOf('webhookEndpoint', id) ? await this.endpoints.find(id) : null;
    if (!endpoint) throw new NotFoundError('webhook endpoint', id);
    return endpoint;
  }

  private async validate(url: string | undefined, eventTypes: string[] | undefined): Promise<void> {
    const problems: FieldProblem[] = [];
    if (url !== undefined) {
      const problem = await this.guard.check(url, 'url');
      if (problem) problems.push(problem);
    }
    (eventTypes ?? []).forEach((pattern, i) => {
      if (!expandEventTypes([pattern]).some((t) => (EVENT_TYPES as readonly string[]).includes(t)))
        problems.push({
          field: `event_types[${i}]`,
          message: `matches no event type (known: ${EVENT_TYPES.join(', ')})`,
        });
    });
    if (problems.length) throw new ValidationFailedError(problems);
  }
}
