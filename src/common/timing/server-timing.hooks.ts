import type { FastifyInstance } from 'fastify';
import { formatServerTiming, RequestTiming } from './request-timing';

/**
 * Opens a timing per request, carried on the request (and from there, by hand, to what it
 * waits on: src/common/request-context.ts), and puts `Server-Timing` on every response that
 * reached a vendor, error responses included. The phases stay on the timing (`phases`), for
 * the metrics to read once the response is out (src/bootstrap.ts).
 */
export function installServerTiming(fastify: FastifyInstance): void {
  fastify.decorateRequest('requestContext', undefined);
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.requestContext = { requestId: String(request.id), timing: new RequestTiming(performance.now()) };
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const phases = request.requestContext?.timing.finish();
    if (phases) reply.header('Server-Timing', formatServerTiming(phases));
    done(null, payload);
  });
}
