import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerTimingPhases } from './request-timing';
import { formatServerTiming, RequestTiming, requestTimings } from './request-timing';

export type PhaseObserver = (request: FastifyRequest, phases: ServerTimingPhases) => void;

/**
 * Opens a timing per request and puts `Server-Timing` on every response that reached a
 * vendor, error responses included. The async context opened here reaches the handler
 * even when the body arrives in several socket events (Fastify runs its body parsers in
 * the request's own async resource); the response side looks the timing up by request,
 * so an answer sent from outside that context still gets its header.
 */
export function installServerTiming(fastify: FastifyInstance, observe: PhaseObserver): void {
  const timings = new WeakMap<FastifyRequest, RequestTiming>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const timing = new RequestTiming(performance.now());
    timings.set(request, timing);
    requestTimings.run(timing, done);
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
