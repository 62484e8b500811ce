import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-response';

/** Every error leaving a Nest handler, in the contract's envelope. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendError(exception, request, reply, this.logger);
  }
}

export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const { status, body, unexpected, headers } = mapError(exception, String(request.id));
  if (unexpected) {
    const err = exception instanceof Error ? exception : new Error(String(exception));
    logger.error({ request_id: request.id, err: { name: err.name, message: err.message, stack: err.stack } }, 'Unhandled error');
  }
  if (reply.sent) return;
  void reply.status(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
}
