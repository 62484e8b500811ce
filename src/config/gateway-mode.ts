import { ConfigVariables } from './config.variables';

/**
 * Whether this instance runs against simulated vendors. `auto` means sandbox while no real
 * provider connection exists, which is only known once the database is open; bootstrap
 * settles it before any module starts.
 */
export class GatewayMode {
  sandbox = false;

  settle(config: ConfigVariables, realConnections: number): void {
    this.sandbox = config.SWITCHBOARD_SANDBOX === 'on' || (config.SWITCHBOARD_SANDBOX === 'auto' && realConnections === 0);
  }
}
