import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { FieldProblem } from '@switchboard/core';
import { addressInCidr, classifyAddress } from './address-classification';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface UrlPolicy {
  /** Sandbox mode delivers anywhere: consumers there run on the same machine. */
  sandbox: boolean;
  /** WEBHOOK_ALLOWED_HOSTS: host names, addresses or CIDR ranges the operator allows anyway. */
  allowedHosts: readonly string[];
  resolve?: Resolver;
}

export type DeliveryTarget = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string };

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

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

/**
 * Resolves the URL's host at delivery time and checks every address again (a name that
 * was public at creation may since point inside: DNS rebinding). The sender connects to the
 * returned address, never resolving a second time.
 */
export async function resolveTarget(url: URL, policy: UrlPolicy): Promise<DeliveryTarget> {
  const host = bareHost(url.hostname);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(host);
    } catch (e) {
      return { ok: false, reason: `host ${host} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'lookup failed'})` };
    }
    if (!addresses.length) return { ok: false, reason: `host ${host} does not resolve` };
  }
  if (!policy.sandbox && !hostAllowed(host, policy.allowedHosts)) {
    for (const { address } of addresses) {
      const kind = classifyAddress(address);
      if (kind !== 'public' && !policy.allowedHosts.some((entry) => addressInCidr(address, entry)))
        return { ok: false, reason: `resolves to a ${kind.replace('_', '-')} address (${address}), which is refused outside sandbox mode` };
    }
  }
  return { ok: true, ...addresses[0] };
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

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const lower = host.toLowerCase();
  return allowed.some((entry) => entry.toLowerCase() === lower);
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
