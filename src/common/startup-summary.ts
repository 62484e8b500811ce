import type { ConfigVariables } from '../config/config.variables';
import { withoutPassword } from '../database/database-probe';

export interface StartupFacts {
  url: string;
  config: ConfigVariables;
  /** What sandbox mode decided and why (GatewayMode.reason). */
  sandbox: string;
}

/** What an operator needs to know once the gateway is up, in one place. */
export function startupSummary({ url, config, sandbox }: StartupFacts) {
  return {
    url,
    docs: `${url}/docs`,
    database: config.DATABASE_URL ? withoutPassword(config.DATABASE_URL) : `embedded (${config.SWITCHBOARD_DATA_DIR})`,
    sandbox,
    declared_connections: config.providers?.length ?? 0,
  };
}

/**
 * Plain aligned lines for a person at a terminal; one JSON line for a log collector. pino-pretty
 * is only a devDependency, so the terminal form is written here rather than borrowed.
 */
export function formatStartupSummary(summary: ReturnType<typeof startupSummary>, tty: boolean): string {
  if (!tty) return `${JSON.stringify({ level: 30, time: Date.now(), msg: 'Switchboard started', ...summary })}\n`;
  return [
    `Switchboard listening on ${summary.url}`,
    `  docs         ${summary.docs}`,
    `  database     ${summary.database}`,
    `  sandbox      ${summary.sandbox}`,
    `  connections  ${summary.declared_connections} declared in the config file`,
    '',
  ].join('\n');
}
