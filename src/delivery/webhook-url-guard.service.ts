import { Injectable } from '@nestjs/common';
import type { FieldProblem } from '@switchboard/core';
import { ConfigVariables } from '../config/config.variables';
import { parseAllowList } from '../common/ssrf/outbound-target';
import { GatewayMode } from '../config/gateway-mode';
import { checkWebhookUrl, DeliveryTarget, resolveTarget, Resolver, UrlPolicy } from './webhook-url-guard';

/**
 * The SSRF rules with this instance's mode and allow-list: used when an endpoint (or a
 * call's webhook_url) is stored, and again before every delivery attempt.
 */
@Injectable()
export class WebhookUrlGuard {
  private readonly allowedHosts: string[];
  private resolver: Resolver | undefined;

  constructor(
    private readonly mode: GatewayMode,
    config: ConfigVariables,
  ) {
    this.allowedHosts = parseAllowList(config.WEBHOOK_ALLOWED_HOSTS);
  }

  /** 422-ready problem for `field`, or null. Call it for `POST /v1/calls`' webhook_url too. */
  check(url: string, field = 'url'): Promise<FieldProblem | null> {
    return checkWebhookUrl(url, this.policy(), field);
  }

  target(url: URL): Promise<DeliveryTarget> {
    return resolveTarget(url, this.policy());
  }

  /** Replaces the system resolver (a DNS server the tests control). */
  useResolver(resolver: Resolver | undefined): void {
    this.resolver = resolver;
  }

  private policy(): UrlPolicy {
    // Read at each use: sandbox mode is settled after the modules are built.
    return { sandbox: this.mode.sandbox, allowedHosts: this.allowedHosts, resolve: this.resolver };
  }
}
