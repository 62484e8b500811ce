import type { Params } from 'nestjs-pino';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { pinoHttp } from 'pino-http';
import type { HttpLogger, Options } from 'pino-http';
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

/** Routes never logged: they get no request logger at all. */
const UNLOGGED_ROUTES = ['/health/live', '/metrics'];

export type RequestLogger = HttpLogger<IncomingMessage, ServerResponse>;

/**
 * The request logger (pino-http) and with it the root logger everything logs through. It is
 * run by a Fastify hook (installRequestLogging) rather than nestjs-pino's middleware, which
 * would put every request in an AsyncLocalStorage: that turns on promise hooks for the whole
 * process, a measurable share of every create (bench/README.md). So a line a request logs
 * from deeper down names its request itself (`request_id`), as the error filter always has.
 */
export function createRequestLogger(level: string, stream?: DestinationStream): RequestLogger {
  return pinoHttp(requestLoggerOptions(level), stream);
}

/** nestjs-pino for the framework's own lines and every `Logger`, through the request logger's root; no middleware. */
export function loggerParams(requestLogger: RequestLogger): Params {
  return { forRoutes: [], pinoHttp: { logger: requestLogger.logger } };
}

/** Logs each request's completion; the probes and a silent gateway get no request logger at all. */
export function installRequestLogging(fastify: FastifyInstance, requestLogger: RequestLogger, level: string): void {
  if (level === 'silent') return;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!UNLOGGED_ROUTES.includes(request.routeOptions.url ?? '')) requestLogger(request.raw, reply.raw);
    done();
  });
}

function requestLoggerOptions(level: string): Options<IncomingMessage, ServerResponse> {
  return {
    level,
    // The request id was fixed by Fastify's genReqId and copied onto the raw request.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
    // The logger a request's own lines go through binds its id only, so the request and its
    // headers are not repeated on every line it logs; the completion line carries the request
    // once, serialized when it is written. (pino-http still builds a child with the request
    // bound, unused: on a create that cost did not measure apart from noise, bench/README.md.)
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'request_id' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        headers: req.headers,
      }),
    },
    customSuccessObject: (req: IncomingMessage, _res: ServerResponse, object: Record<string, unknown>) => ({
      req,
      ...object,
    }),
    // A 5xx without a thrown error gets an Error made up by pino-http, with a stack that points
    // into pino-http itself; the error filter already logged the real cause, so drop it.
    customErrorObject: (req: IncomingMessage, _res: unknown, error: Error, object: Record<string, unknown>) =>
      error.message.startsWith('failed with status code ')
        ? { req, res: object.res, responseTime: object.responseTime }
        : { req, ...object },
    customErrorMessage: () => 'request completed',
    // Outage refusals are silent (see markOutageRefusal: the outage log counts them); vendor
    // trouble (502/503/504) is the vendor's, not a gateway bug: warn, with the filter's line saying which.
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      isOutageRefusal(res)
        ? 'silent'
        : res.statusCode >= 502 && res.statusCode <= 504
          ? 'warn'
          : res.statusCode >= 500 || error
            ? 'error'
            : 'info',
  };
}
