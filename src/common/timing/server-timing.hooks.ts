import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerTimingPhases } from './request-timing';
import { formatServerTiming, RequestTiming } from './request-timing';

export type PhaseObserver = (request: FastifyRequest, phases: ServerTimingPhases) => void;

/**
 * Opens a timing per request, carried on the request (and from there, by hand, to what it
 * waits on: src/common/request-context.ts), and puts `Server-Timing` on every response that
 * reached a vendor, error responses included.
 */
export function installServerTiming(fastify: FastifyInstance, observe: PhaseObserver): void {
  fastify.decorateRequest('requestContext', undefined);
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.requestContext = { requestId: String(request.id), timing: new RequestTiming(performance.now()) };
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const phases = request.requestContext?.timing.finish();
    if (phases) {
      reply.header('Server-Timing', formatServerTiming(phases));
      observe(request, phases);
    }
    done(null, payload);
  });
}
