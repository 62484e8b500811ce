import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { ADDRESS_REFUSED_CODE } from '@switchboard/providers';
import type { OutboundPolicy, ResolvedAddress } from './outbound-target';
import { refusalFor, systemResolver } from './outbound-target';

type AllCallback = (err: NodeJS.ErrnoException | null, addresses: ResolvedAddress[]) => void;

/**
 * A `lookup` for http(s) requests that resolves the host and refuses it when any address is
 * outside `policyOf()`. The socket connects to the addresses checked here, so a name that
 * resolved publicly when it was stored cannot be rebound to loopback later. Node never calls
 * a lookup for IP literals: check those with {@link literalRefusal} before sending.
 */
export function guardedLookup(policyOf: () => OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const policy = policyOf();
    const wantAll = (options as { all?: boolean }).all === true;
    const family = (options as { family?: number | string }).family;
    (policy.resolve ?? systemResolver)(hostname).then(
      (resolved) => {
        const addresses = family === 4 || family === 6 ? resolved.filter((a) => a.family === family) : resolved;
        if (!addresses.length)
          return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        const refusal = refusalFor(hostname, addresses, policy);
        if (refusal)
          return callback(Object.assign(new Error(`${hostname} ${refusal}`), { code: ADDRESS_REFUSED_CODE }), '', 0);
        if (wantAll) (callback as unknown as AllCallback)(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (e: NodeJS.ErrnoException) => callback(e, '', 0),
    );
  };
}

/** Why a URL whose host is an IP literal may not be reached, or null (names: see guardedLookup). */
export function literalRefusal(url: URL, policy: OutboundPolicy): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const family = isIP(host);
  if (!family) return null;
  return refusalFor(host, [{ address: host, family: family === 6 ? 6 : 4 }], policy);
}
