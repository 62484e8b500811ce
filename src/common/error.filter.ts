import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProviderError } from '@switchboard/core';
import { mapError } from './error-response';
import type { OutageLogger } from './outage/outage-logger';
import { markOutageRefusal } from './outage/outage-refusal';

/** Every error leaving a Nest handler, in the contract's envelope. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly outages: OutageLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendError(exception, request, reply, this.logger, this.outages);
  }
}

export function sendError(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
  outages: OutageLogger,
): void {
  const { status, body, unexpected, headers, outage } = mapError(exception, String(request.id));
  if (outage) {
    outages.failed(outage, exception);
    markOutageRefusal(reply.raw);
  } else if (unexpected) {
    const err = exception instanceof Error ? exception : new Error(String(exception));
    logger.error(
      { request_id: request.id, err: { name: err.name, message: err.message, stack: err.stack } },
      'Unhandled error',
    );
  } else if (exception instanceof ProviderError && !exception.local && status >= 502) {
    // One line an operator can act on: which vendor said what. The message is the vendor's own
    // text, already free of credentials; the request body and headers are not logged here.
    logger.warn(
      {
        request_id: request.id,
        connection_id: exception.connectionId ?? null,
        provider: exception.provider,
        provider_status: exception.status ?? null,
        provider_code: exception.vendorCode ?? null,
        kind: exception.kind,
        status,
      },
      `${exception.provider} answered ${exception.status ?? 'nothing'}: ${exception.message}`,
    );
  }
  if (reply.sent) return;
  void reply.status(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
}
