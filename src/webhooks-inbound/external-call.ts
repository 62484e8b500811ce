import type { WebhookObservation } from '@switchboard/core';
import type { CallEntity } from '../calls/call.entity';
import { newCallEntity } from '../calls/call-factory';
import type { ProviderConnectionEntity } from '../providers/provider-connection.entity';

/**
 * A call the gateway learned of only from its vendor (an inbound call, or one placed
 * outside the gateway): kept like any other, with the vendor's direction and numbers.
 * It starts `queued` with nothing known; the observation that revealed it is then applied.
 */
export function externalCall(
  connection: ProviderConnectionEntity,
  observation: WebhookObservation,
  at: Date,
): CallEntity {
  const vendor = observation.call;
  return newCallEntity(
    {
      direction: vendor.direction ?? 'outbound',
      provider: connection.provider,
      connectionId: connection.id,
      agentId: null,
      to: vendor.to ?? '',
      from: vendor.from ?? null,
      createdAt: vendor.createdAt
        ? new Date(vendor.createdAt)
        : observation.occurredAt
          ? new Date(observation.occurredAt)
          : at,
    },
    at,
  );
}
