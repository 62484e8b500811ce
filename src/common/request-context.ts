import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestTiming } from './timing/request-timing';

/**
 * The request a piece of work runs for: its id and its timing. Passed by hand from the
 * controller to the statements and vendor requests it times, rather than found through an
 * AsyncLocalStorage: any such storage turns on promise hooks for every promise of the
 * process (with nestjs-pino's, about 6 % of a create's CPU at `info`: bench/README.md).
 * Absent outside requests (the reconciler, the workers, startup, a request's background
 * work): nothing of theirs is measured.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly timing: RequestTiming;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Opened by the Server-Timing hook on every request. */
    requestContext?: RequestContext;
  }
}

/** A handler parameter: the context of the request it serves. */
export const InRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestContext | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().requestContext,
);
