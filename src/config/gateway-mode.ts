import { ConfigVariables } from './config.variables';

/**
 * Whether this instance runs against simulated vendors. `auto` means sandbox until real
 * provider connections are configured; the providers module will feed that in.
 */
export class GatewayMode {
  constructor(readonly sandbox: boolean) {}

  static resolve(config: ConfigVariables, realProvidersConfigured: boolean): GatewayMode {
    if (config.SWITCHBOARD_SANDBOX === 'on') return new GatewayMode(true);
    if (config.SWITCHBOARD_SANDBOX === 'off') return new GatewayMode(false);
    return new GatewayMode(!realProvidersConfigured);
  }
}
