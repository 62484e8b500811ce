import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatServerTiming, RequestTiming, requestTimings, ServerTimingPhases } from './request-timing';

export type PhaseObserver = (request: FastifyRequest, phases: ServerTimingPhases) => void;

/**
 * Opens a timing per request and puts `Server-Timing` on every response that reached a
 * vendor, error responses included. The timing is kept beside the request as well as in
 * async context: Fastify reads a body from socket events, which run outside the context
 * the request started in, so it is entered again once the body is parsed, and the response
 * side never depends on it.
 */
export function installServerTiming(fastify: FastifyInstance, observe: PhaseObserver): void {
  const timings = new WeakMap<FastifyRequest, RequestTiming>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const timing = new RequestTiming(performance.now());
    timings.set(request, timing);
    requestTimings.run(timing, done);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const timing = timings.get(request);
    if (timing) requestTimings.run(timing, done);
    else done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const phases = timings.get(request)?.finish();
    if (phases) {
      reply.header('Server-Timing', formatServerTiming(phases));
      observe(request, phases);
    }
    done(null, payload);
  });
}
