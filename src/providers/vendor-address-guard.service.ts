import { Injectable } from '@nestjs/common';
import type { FieldProblem } from '@switchboard/core';
import type { AddressGuard } from '@switchboard/providers';
import { guardedLookup, literalRefusal } from '../common/ssrf/guarded-lookup';
import { OutboundPolicy, parseAllowList, resolveTarget, Resolver } from '../common/ssrf/outbound-target';
import { ConfigVariables } from '../config/config.variables';
import { GatewayMode } from '../config/gateway-mode';

/**
 * The SSRF rules for vendor base_urls: the gateway sends a connection's credential to its
 * base_url, so outside sandbox mode that must be a public address unless PROVIDER_ALLOWED_HOSTS
 * names it. Checked when a connection is stored, and by the vendor transport at connect time
 * (after DNS resolution) for every request.
 */
@Injectable()
export class VendorAddressGuard implements AddressGuard {
  private readonly allowedHosts: string[];
  private resolver: Resolver | undefined;
  readonly lookup = guardedLookup(() => this.policy());

  constructor(
    private readonly mode: GatewayMode,
    private readonly config: ConfigVariables,
  ) {
    this.allowedHosts = parseAllowList(config.PROVIDER_ALLOWED_HOSTS);
  }

  /** 422-ready problem for `field`, or null. */
  async check(baseUrl: string, field = 'base_url'): Promise<FieldProblem | null> {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      return { field, message: 'must be an absolute http or https URL' };
    }
    // The credential goes in a header; one in the URL would reach logs and responses.
    if (url.username || url.password)
      return { field, message: 'must not contain credentials (they belong in credentials)' };
    const policy = this.policy();
    if (policy.sandbox) return null;
    const target = await resolveTarget(url, policy);
    return target.ok ? null : { field, message: target.reason };
  }

  refuse(url: URL): string | null {
    return literalRefusal(url, this.policy());
  }

  /** Replaces the system resolver (a DNS answer the tests control). */
  useResolver(resolver: Resolver | undefined): void {
    this.resolver = resolver;
  }

  private policy(): OutboundPolicy {
    // Declared connections are checked before sandbox mode is settled: with SWITCHBOARD_SANDBOX=on
    // it will be sandbox; with `auto` they are held to the rules outside it, because the first
    // real connection ends sandbox mode and a loopback one would then be refused at every request.
    const sandbox = this.mode.sandbox || this.config.SWITCHBOARD_SANDBOX === 'on';
    return { sandbox, allowedHosts: this.allowedHosts, resolve: this.resolver };
  }
}
