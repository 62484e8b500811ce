import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressInCidr, classifyAddress } from './address-classification';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Where the gateway may send a request on someone else's say-so (a consumer's webhook URL,
 * a connection's vendor base_url). Outside sandbox mode only public addresses, unless the
 * operator's allow-list names the host, the address or a range holding it.
 */
export interface OutboundPolicy {
  /** Sandbox mode reaches anything: its simulators and consumers run on the same machine. */
  sandbox: boolean;
  /** Host names, addresses or CIDR ranges the operator allows although they are not public. */
  allowedHosts: readonly string[];
  resolve?: Resolver;
}

export type OutboundTarget = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string };

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** `WEBHOOK_ALLOWED_HOSTS` / `PROVIDER_ALLOWED_HOSTS`: comma-separated entries. */
export function parseAllowList(text: string): string[] {
  return text
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
}

/**
 * Resolves the URL's host and checks every address (a name that was public when it was
 * stored may since point inside: DNS rebinding). Callers connect to the returned address,
 * never resolving a second time.
 */
export async function resolveTarget(url: URL, policy: OutboundPolicy): Promise<OutboundTarget> {
  const host = bareHost(url.hostname);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(host);
    } catch (e) {
      return {
        ok: false,
        reason: `host ${host} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'lookup failed'})`,
      };
    }
    if (!addresses.length) return { ok: false, reason: `host ${host} does not resolve` };
  }
  const refusal = refusalFor(host, addresses, policy);
  return refusal ? { ok: false, reason: refusal } : { ok: true, ...addresses[0] };
}

/**
 * Why `host`, resolved to `addresses`, may not be reached under `policy`, or null. Any one
 * refused address refuses the host: the connection could land on any of them.
 */
export function refusalFor(host: string, addresses: readonly ResolvedAddress[], policy: OutboundPolicy): string | null {
  if (policy.sandbox || hostAllowed(bareHost(host), policy.allowedHosts)) return null;
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind !== 'public' && !policy.allowedHosts.some((entry) => addressInCidr(address, entry)))
      return `resolves to a ${kind.replace('_', '-')} address (${address}), which is refused outside sandbox mode`;
  }
  return null;
}

export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const lower = host.toLowerCase();
  return allowed.some((entry) => bareHost(entry).toLowerCase() === lower);
}
