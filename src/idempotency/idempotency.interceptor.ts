import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, Observable } from 'rxjs';
import { IdempotencyGate } from './idempotency.gate';

/** The idempotency gate (src/idempotency/idempotency.gate.ts) around a POST handler. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly gate: IdempotencyGate,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // The gate would pass such a request straight through too; here it also skips the defer around it.
    if (request.headers['idempotency-key'] === undefined) return next.handle();
    const successStatus = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    return defer(() =>
      this.gate.run(request, http.getResponse<FastifyReply>(), successStatus, () => lastValue(next.handle())),
    );
  }
}

function lastValue<T>(source: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let value: T;
    source.subscribe({ next: (v) => (value = v), error: reject, complete: () => resolve(value) });
  });
}
