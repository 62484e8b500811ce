import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ErrorEnvelopeFilter } from './common/error.filter';
import { OutageLogger } from './common/outage/outage-logger';
import { quietFramework } from './common/framework-log';
import { createLogger, installRequestLogging, logStream } from './common/logging';
import { httpEdgeOptions, refuseMalformedRequests, refuseWhileClosing } from './common/http-edge';
import { acceptJsonObjectsOnly } from './common/json-body';
import { openApiDocument, mountOpenApi } from './common/openapi';
import { requestIdFor } from './common/request-id';
import { installServerTiming } from './common/timing/server-timing.hooks';
import { parseQuery } from './common/query-string';
import { createValidationPipe } from './common/validation';
import type { ConfigVariables } from './config/config.variables';
import { decideMode, GatewayMode } from './config/gateway-mode';
import { loadSecretKey } from './config/secret-key';
import type { DatabaseTarget } from './database/database.module';
import { probeDatabase } from './database/database-probe';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { timeDatabaseQueries } from './database/query-timing';
import { HttpMetrics } from './metrics/http-metrics';
import { ConnectionsRepository } from './providers/connections.repository';
import { ProvidersService } from './providers/providers.service';
import { WebhookTargets } from './providers/webhook-targets.service';

export interface Gateway {
  app: NestFastifyApplication;
  url: string;
  embedded: EmbeddedPostgres | null;
  /** Stops accepting, lets in-flight requests finish, closes the pool, then the embedded engine. */
  close(): Promise<void>;
}

/** Builds and starts the whole gateway from a validated configuration. */
export async function startGateway(config: ConfigVariables): Promise<Gateway> {
  if (config.DATABASE_URL) await probeDatabase(config.DATABASE_URL);
  const embedded = config.DATABASE_URL ? null : await EmbeddedPostgres.open(config.SWITCHBOARD_DATA_DIR);
  const database: DatabaseTarget = embedded ? { embedded } : { url: config.DATABASE_URL! };
  try {
    const app = await createApp(config, database);
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    app.get(WebhookTargets).useListeningUrl(`http://127.0.0.1:${port}`);
    let closing: Promise<void> | undefined;
    return {
      app,
      embedded,
      url: `http://127.0.0.1:${port}`,
      close: () =>
        (closing ??= (async () => {
          // Node closes the sockets that are idle when the close starts, once; a socket whose
          // request finishes later would stay open until its keep-alive timeout (72 s) and hold
          // the close. Sweep them while in-flight requests drain.
          const server = app.getHttpServer() as Server;
          const sweep = setInterval(() => server.closeIdleConnections(), 100);
          try {
            await app.close();
          } finally {
            clearInterval(sweep);
          }
          await embedded?.close();
        })()),
    };
  } catch (e) {
    await embedded?.close();
    throw e;
  }
}

async function createApp(config: ConfigVariables, database: DatabaseTarget): Promise<NestFastifyApplication> {
  timeDatabaseQueries();
  const { maxParamLength, ...edge } = httpEdgeOptions(config);
  const adapter = new FastifyAdapter({
    ...edge,
    bodyLimit: config.BODY_LIMIT_BYTES,
    routerOptions: { querystringParser: parseQuery, maxParamLength },
    genReqId: requestIdFor,
    // Keep-alive sockets are closed when idle at shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    // refuseWhileClosing answers those requests in the contract's envelope instead.
    return503OnClosing: false,
  });
  const fastify = adapter.getInstance();
  acceptJsonObjectsOnly(fastify);
  // The per-request hooks take `done` rather than being async: an async hook costs a promise
  // and a microtask per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    (request.raw as typeof request.raw & { id: string }).id = String(request.id);
    reply.header('X-Request-Id', request.id);
    done();
  });
  const logger = createLogger(config.LOG_LEVEL, logStream(config.LOG_FORMAT, process.stdout.isTTY === true));
  installRequestLogging(fastify, logger, config.LOG_LEVEL);
  refuseMalformedRequests(fastify);
  refuseWhileClosing(fastify);

  const mode = new GatewayMode();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, database, mode, secretKey: loadSecretKey(config), logger }),
    adapter,
    // Fastify's own JSON parser only: Nest's default would also accept form bodies.
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  app.useLogger(quietFramework(app.get(Logger)));
  app.flushLogs();
  // Migrations have run: apply declared connections, then decide on sandbox mode, which
  // depends on which enabled connections reach a real vendor.
  await app.get(ProvidersService).syncDeclared(config.providers);
  mode.settle(decideMode(config.SWITCHBOARD_SANDBOX, await app.get(ConnectionsRepository).modeFacts()));

  const metrics = app.get(HttpMetrics);
  // After the response is out, so none of it is in the client's wait.
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url;
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const phases = request.requestContext?.timing.phases;
    if (phases) metrics.observePhases(request.method, route, phases);
    done();
  });
  installServerTiming(fastify);

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorEnvelopeFilter(app.get(OutageLogger)));
  await mountOpenApi(app, openApiDocument(app));
  await app.init();
  return app;
}
