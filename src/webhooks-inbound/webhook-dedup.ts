import type { WebhookObservation } from '@switchboard/core';
import { hash } from 'node:crypto';

/**
 * No vendor sends event ids, so a webhook's identity comes from its content: vendor call,
 * vendor event type, status and the vendor's own time. A vendor's retry of the same event
 * carries the same facts and so the same key. Without a vendor time the exact body stands
 * in for it (only a byte-identical resend then counts as a duplicate).
 */
export function dedupKey(
  provider: string,
  observation: WebhookObservation | null,
  eventType: string,
  rawBody: Buffer,
): string {
  const facts = observation
    ? [
        provider,
        observation.providerCallId,
        eventType,
        observation.call.status ?? '',
        observation.call.providerStatus ?? '',
        observation.occurredAt ?? sha256(rawBody),
      ]
    : [provider, eventType, sha256(rawBody)];
  return sha256(Buffer.from(JSON.stringify(facts)));
}

const sha256 = (data: Buffer) => hash('sha256', data, 'hex');

/** What is kept of the headers: everything but credentials, which must never be stored. */
export function storableHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = /secret|signature|authorization|token|api[-_]?key|cookie/i.test(name)
      ? '[redacted]'
      : value.slice(0, 1_000);
  }
  return out;
}
