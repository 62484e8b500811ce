import type { Params } from 'nestjs-pino';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import pino from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROVIDERS } from '@switchboard/providers';
import { isOutageRefusal } from './outage/outage-refusal';

/**
 * Structured JSON logs. Every request line carries the request id; credentials never reach
 * a log line, wherever they hide (headers, bodies, config dumps).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  ...vendorWebhookSecretHeaders().map((header) => `req.headers[${JSON.stringify(header)}]`),
  'res.headers["set-cookie"]',
  '*.api_key',
  '*.apiKey',
  '*.credentials',
  '*.secret',
  '*.password',
  '*.key',
  '*.token',
];

/** Every header a registered vendor declares as carrying a webhook secret or signature. */
export function vendorWebhookSecretHeaders(): string[] {
  const headers = Object.values(PROVIDERS).flatMap((p) =>
    p.capabilities.webhooks.secretHeaders.map((h) => h.toLowerCase()),
  );
  return [...new Set(headers)].sort();
}

/**
 * Secrets can ride in URLs: query keys, and the segment after the connection id of webhook
 * URLs (`/webhooks/<provider>/<connection>/<secret>`, for vendors whose authentication is
 * `path_token`). Any vendor's is redacted, so no list of such vendors is needed here.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url
    ?.replace(/^(\/webhooks\/[^/?#]+\/[^/?#]+\/)[^/?#]+/, '$1[redacted]')
    .replace(/([?&](api_key|key|token)=)[^&]*/gi, '$1[redacted]');
}

/**
 * Where log lines go: readable lines (pino-pretty) for a person at a terminal, JSON lines
 * otherwise. pino-pretty is a devDependency, so an install without dev packages falls back
 * to JSON rather than failing to start; `undefined` means pino's own JSON to stdout.
 */
export function logStream(
  format: 'auto' | 'json' | 'pretty',
  tty: boolean,
  destination: NodeJS.WritableStream = process.stdout,
): DestinationStream | undefined {
  if (format === 'json' || (format === 'auto' && !tty)) return undefined;
  let pretty: ((options: Record<string, unknown>) => DestinationStream) | undefined;
  try {
    pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  } catch {
    return undefined;
  }
  return pretty({
    destination,
    colorize: tty,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime',
    messageFormat: '{msg}{if req.method} {req.method} {req.url} → {res.statusCode} in {responseTime} ms{end}',
  });
}

/** Routes never logged: the probes. */
const UNLOGGED_ROUTES = ['/health/live', '/metrics'];

/**
 * The root logger everything logs through: Nest's `Logger` (nestjs-pino, without its
 * middleware) and the request completion lines (installRequestLogging).
 */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: IncomingMessage & { id?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          headers: req.headers,
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode, headers: res.getHeaders() }),
        err: pino.stdSerializers.err,
      },
    },
    stream,
  );
}

/** nestjs-pino for the framework's own lines and every `Logger`, through the root logger; no middleware. */
export function loggerParams(logger: Logger): Params {
  return { forRoutes: [], pinoHttp: { logger } };
}

/**
 * One line per request when its response is done (or the client left first), from Fastify's
 * own hooks. Not pino-http, nor nestjs-pino's middleware around it: that middleware puts every
 * request in an AsyncLocalStorage, which turns on promise hooks for the whole process, and
 * pino-http builds two child loggers per request (one with the request serialized and
 * redacted, unused here) before the line itself; this line alone costs a create about 0.94 of
 * what pino-http did (bench/README.md). So a line a request logs from deeper down names its
 * request itself (`request_id`), as the error filter always has. A client that leaves before
 * the answer gets a `request aborted` line instead.
 */
export function installRequestLogging(fastify: FastifyInstance, logger: Logger, level: string): void {
  if (level === 'silent') return;
  const logged = new WeakSet<FastifyRequest>();
  const first = (request: FastifyRequest) => {
    if (logged.has(request) || UNLOGGED_ROUTES.includes(request.routeOptions.url ?? '')) return false;
    logged.add(request);
    return true;
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = completionLevel(reply.raw);
    if (first(request) && level !== 'silent')
      logger[level](
        {
          request_id: String(request.id),
          req: request.raw,
          res: reply.raw,
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    if (first(request)) logger.info({ request_id: String(request.id), req: request.raw }, 'request aborted');
    done();
  });
}

/**
 * Outage refusals are silent (see markOutageRefusal: the outage log counts them); vendor
 * trouble (502/503/504) is the vendor's, not a gateway bug: warn, with the error filter's line
 * saying which; any other 5xx is an error, whose cause the filter logged.
 */
function completionLevel(res: ServerResponse): 'silent' | 'info' | 'warn' | 'error' {
  if (isOutageRefusal(res)) return 'silent';
  if (res.statusCode >= 502 && res.statusCode <= 504) return 'warn';
  return res.statusCode >= 500 ? 'error' : 'info';
}
