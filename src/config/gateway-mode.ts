import { classifyAddress } from '../common/ssrf/address-classification';
import type { ConfigVariables } from './config.variables';

/** What the sandbox decision needs to know about one provider connection. */
export interface ConnectionFacts {
  name: string;
  provider: string;
  enabled: boolean;
  /** null = the vendor's own public API. */
  baseUrl: string | null;
  /** `sandbox` for the simulated vendors' own connections. */
  origin: string;
}

export interface ModeDecision {
  sandbox: boolean;
  /** One line for the start-up summary: what was decided and why. */
  reason: string;
}

/**
 * A base_url on this machine (loopback, `localhost`, the unspecified address) reaches a
 * simulator or a local stand-in, never a vendor that could dial a phone. Decided on the URL
 * as written: resolving names would make the start depend on DNS.
 */
export function pointsAtThisMachine(baseUrl: string | null): boolean {
  if (baseUrl === null) return false;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const kind = classifyAddress(host);
  return kind === 'loopback' || kind === 'unspecified';
}

/** Enabled, not the sandbox's own, and pointed at a vendor off this machine. */
export function isRealConnection(c: ConnectionFacts): boolean {
  return c.enabled && c.origin !== 'sandbox' && !pointsAtThisMachine(c.baseUrl);
}

const label = (c: ConnectionFacts) => `${c.name} (${c.provider})`;

/**
 * `on` and `off` are taken as given. `auto` runs the sandbox while no enabled connection
 * reaches a real vendor: a connection to a simulator on loopback, or one disabled (a
 * declared connection removed from the config file is), cannot place the README's first call.
 */
export function decideMode(
  setting: ConfigVariables['SWITCHBOARD_SANDBOX'],
  connections: readonly ConnectionFacts[],
): ModeDecision {
  if (setting === 'on') return { sandbox: true, reason: 'on (SWITCHBOARD_SANDBOX=on)' };
  if (setting === 'off') return { sandbox: false, reason: 'off (SWITCHBOARD_SANDBOX=off)' };
  const own = connections.filter((c) => c.origin !== 'sandbox');
  const real = own.filter(isRealConnection);
  if (real.length) {
    const noun = real.length === 1 ? 'connection' : 'connections';
    return { sandbox: false, reason: `off (auto: ${real.length} enabled real ${noun}: ${real.map(label).join(', ')})` };
  }
  const disabled = own.filter((c) => !c.enabled).length;
  const local = own.filter((c) => c.enabled && pointsAtThisMachine(c.baseUrl)).length;
  const ignored = [disabled && `${disabled} disabled`, local && `${local} on this machine`].filter(Boolean);
  return {
    sandbox: true,
    reason: `on (auto: no enabled connection to a real vendor${ignored.length ? `; ignored ${ignored.join(', ')}` : ''})`,
  };
}

/**
 * Whether this instance runs against simulated vendors, settled by bootstrap (the database
 * must be open for `auto`) before any module starts.
 */
export class GatewayMode {
  sandbox = false;
  reason = 'not settled';

  settle(decision: ModeDecision): void {
    this.sandbox = decision.sandbox;
    this.reason = decision.reason;
  }
}
