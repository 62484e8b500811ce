import type { FieldProblem } from '@switchboard/core';
import type { OutboundPolicy, OutboundTarget } from '../common/ssrf/outbound-target';
import { resolveTarget } from '../common/ssrf/outbound-target';

export { resolveTarget } from '../common/ssrf/outbound-target';
export type { ResolvedAddress, Resolver } from '../common/ssrf/outbound-target';
/** WEBHOOK_ALLOWED_HOSTS is the allow-list for consumer URLs. */
export type UrlPolicy = OutboundPolicy;
export type DeliveryTarget = OutboundTarget;

/**
 * Checks a consumer URL (a webhook endpoint's `url`, a call's `webhook_url`) before it is
 * stored: http(s), no credentials in it, and outside sandbox mode a host that resolves only
 * to public addresses. Returns the problem for `field`, or null when the URL is acceptable.
 */
export async function checkWebhookUrl(url: string, policy: UrlPolicy, field = 'url'): Promise<FieldProblem | null> {
  const parsed = parseConsumerUrl(url);
  if (typeof parsed === 'string') return { field, message: parsed };
  if (policy.sandbox) return null;
  const target = await resolveTarget(parsed, policy);
  return target.ok ? null : { field, message: target.reason };
}

/** The URL, or why it cannot be a consumer URL. */
export function parseConsumerUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
  if (!parsed.hostname) return 'must name a host';
  // Credentials in a URL end up in logs and responses; the signature is the authentication.
  if (parsed.username || parsed.password) return 'must not contain credentials';
  return parsed;
}
