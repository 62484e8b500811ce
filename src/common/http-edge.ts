import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ConfigVariables } from '../config/config.variables';
import { HTTP_STATUS } from './error-response';
import type { Refusal } from './http-refusals';
import {
  envelopeOf,
  MAX_HEADER_LINES,
  MAX_PATH_PARAM_LENGTH,
  rawRefusalResponse,
  refusalForClientError,
  refusalForRequestShape,
  refusalForRouterError,
  SHUTDOWN_RETRY_AFTER_SECONDS,
  SHUTTING_DOWN,
} from './http-refusals';
import { newRequestId } from './request-id';

const logger = new Logger('Http');

/**
 * Fastify and Node options for the edge of the HTTP server: the time a client has to send
 * its request, and answers in the contract's envelope for what Node's parser or Fastify's
 * router refuse before any hook runs (Fastify's own shape would echo the whole URL).
 */
export function httpEdgeOptions(config: ConfigVariables) {
  return {
    // Node's timeouts bound *receiving* a request: once its body is in, a long response (an
    // event stream, a slow vendor) runs unbounded, as it must.
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // No socket inactivity timeout: it would also cut quiet responses (a stream between heartbeats).
    connectionTimeout: 0,
    http: {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      // Node checks the timeouts every 30 s by default, which would stretch a 10 s bound to 40.
      connectionsCheckingInterval: Math.min(1000, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4)),
    },
    maxParamLength: MAX_PATH_PARAM_LENGTH,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerRouterError,
  };
}

/** Refuses requests no route should see; runs first, before auth and body parsing. */
export function refuseMalformedRequests(fastify: FastifyInstance): void {
  // One more than the bound, so a request over it is seen instead of silently truncated.
  (fastify.server as Server).maxHeadersCount = MAX_HEADER_LINES + 1;
  // `done` rather than async (as every per-request hook: src/bootstrap.ts); a hook that answers does not call it.
  fastify.addHook('onRequest', (request, reply, done) => {
    const refusal = refusalForRequestShape(request.url, request.raw.rawHeaders.length / 2);
    // Closed after the answer: a client this far off is not worth a kept-alive socket.
    if (refusal) sendRefusal(reply.header('connection', 'close'), refusal, String(request.id));
    else done();
  });
}

/**
 * Requests that still reach the server once it is closing get the contract's `503 unavailable`
 * envelope with Retry-After, not Fastify's own shape (its `return503OnClosing` is off for this).
 * Closing the connection after the answer sends the client's retry to a listening instance.
 */
export function refuseWhileClosing(fastify: FastifyInstance): void {
  let closing = false;
  // preClose runs when close() starts, before the listener stops and in-flight requests drain.
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close').header('retry-after', String(SHUTDOWN_RETRY_AFTER_SECONDS));
    sendRefusal(reply, SHUTTING_DOWN, String(request.id));
  });
}

function sendRefusal(reply: FastifyReply, refusal: Refusal, requestId: string): FastifyReply {
  return reply
    .status(HTTP_STATUS[refusal.code])
    .header('x-request-id', requestId)
    .header('content-type', 'application/json; charset=utf-8')
    .send(envelopeOf(refusal, requestId));
}

function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendRefusal(reply.header('connection', 'close'), refusalForRouterError(error.code), String(request.id));
}

/** The response a socket is serving now, if any (Node keeps it there; it is not public API). */
const responseOn = (socket: Socket): (ServerResponse & { req: { id?: string } }) | undefined =>
  (socket as unknown as { _httpMessage?: ServerResponse & { req: { id?: string } } })._httpMessage;

function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const refusal = refusalForClientError(error.code);
  if (!refusal || socket.destroyed) return void socket.destroy();
  const inFlight = responseOn(socket);
  // The id of the request it interrupts (set in the first onRequest hook), so logs and the answer agree.
  const requestId = inFlight?.req?.id ?? newRequestId();
  logger.debug({ request_id: requestId, code: error.code, answer: refusal.code }, 'Refused at the HTTP layer');
  // Like Node itself: answer only when no response has begun on this socket.
  if (socket.writable && !inFlight?.headersSent) socket.end(rawRefusalResponse(refusal, requestId));
  socket.destroySoon();
}
