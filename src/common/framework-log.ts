import type { LoggerService } from '@nestjs/common';

/**
 * Nest reports every module it wires and every route it maps at `log` level: a hundred lines
 * before the start-up summary, at every start. They are the framework's bookkeeping, not the
 * gateway's news, so they go out at `debug` (visible with LOG_LEVEL=debug).
 */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

const fromFramework = (params: unknown[]): boolean => {
  const context = params.at(-1);
  return typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context);
};

export function quietFramework(logger: LoggerService): LoggerService {
  return {
    log: (message: unknown, ...params: unknown[]) =>
      fromFramework(params) ? logger.debug?.(message, ...params) : logger.log(message, ...params),
    error: (message: unknown, ...params: unknown[]) => logger.error(message, ...params),
    warn: (message: unknown, ...params: unknown[]) => logger.warn(message, ...params),
    debug: (message: unknown, ...params: unknown[]) => logger.debug?.(message, ...params),
    verbose: (message: unknown, ...params: unknown[]) => logger.verbose?.(message, ...params),
    fatal: (message: unknown, ...params: unknown[]) => logger.fatal?.(message, ...params),
  };
}
