import 'reflect-metadata';
import { startGateway } from './bootstrap';
import { formatStartupSummary, startupSummary } from './common/startup-summary';
import { GatewayMode } from './config/gateway-mode';
import { DatabaseUnreachableError } from './database/database-probe';
import { ConfigError, loadConfig } from './config/load-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const gateway = await startGateway(config);
  const summary = startupSummary({ url: gateway.url, config, sandbox: gateway.app.get(GatewayMode).reason });
  process.stdout.write(formatStartupSummary(summary, process.stdout.isTTY === true));

  const shutdown = (signal: string) => {
    process.stdout.write(`${signal}: finishing in-flight requests, then stopping\n`);
    const force = setTimeout(() => {
      process.stderr.write('Shutdown took too long; exiting anyway\n');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`Error during shutdown: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  if (!(e instanceof DatabaseUnreachableError) && process.env.LOG_LEVEL === 'debug')
    process.stderr.write(`${(e as Error).stack}\n`);
  process.stderr.write(`Switchboard failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
