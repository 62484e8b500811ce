import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ProvidersUnavailableError, ValidationFailedError } from '@switchboard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, from, mergeMap, Observable, of } from 'rxjs';
import { mapError, PrecomputedErrorResponse } from '../common/error-response';
import { IdempotencyClaim, IdempotencyService } from './idempotency.service';
import { requestHash } from './request-hash';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST (the API reference's introduction, src/common/openapi.ts): the same key and body within 24 h
 * return the first response (`Idempotent-Replayed: true`); the same key with another body is
 * 422 `idempotency_key_reused`; a duplicate still running is 409 `idempotency_in_progress`.
 * A request refused with a 4xx changed nothing, so its key is released for a corrected
 * retry; a 5xx may have acted (an ambiguous create may have dialed), so it is stored and
 * replayed — a retried create never dials twice — unless the handler proved nothing was
 * placed (every vendor refused before dialing). The claim is handed to the handler
 * (`request.idempotency`), which records the calls it stores on the key; while the request
 * runs its lease is renewed, so only a dead instance's key can be taken over and resumed.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly service: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.apiKey) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_PATTERN.test(key))
      throw new ValidationFailedError([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
      ]);

    const owner = request.apiKey.id;
    const hash = requestHash(request.method, request.url, request.body);
    const successStatus = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;

    return from(this.service.begin(owner, key, hash)).pipe(
      mergeMap((begin) => {
        if (begin.kind === 'replay') {
          reply.header('Idempotent-Replayed', 'true');
          if (begin.status >= 400) throw new PrecomputedErrorResponse(begin.status, begin.body);
          return of(begin.body);
        }
        const claim: IdempotencyClaim = { owner, key, resume: begin.kind === 'resume' ? begin.callIds : null };
        request.idempotency = claim;
        return defer(async () => {
          const renewal = setInterval(
            () => void this.service.renew(owner, key).catch(() => undefined),
            this.service.leaseMs / 3,
          );
          renewal.unref();
          try {
            const body = await lastValue(next.handle());
            await this.service.complete(owner, key, successStatus, body);
            return body;
          } catch (error) {
            const mapped = mapError(error, String(request.id));
            // The database went away mid-request: what the request did is unknown and could
            // not be written down anyway. Like a crashed instance, it leaves the key to its
            // lease; the client's retry after that resumes the calls recorded on it.
            if (mapped.outage === 'database') throw error;
            const nothingDone =
              mapped.status < 500 || (error instanceof ProvidersUnavailableError && error.nothingDialed);
            if (nothingDone) await this.service.release(owner, key);
            else await this.service.complete(owner, key, mapped.status, mapped.body);
            throw error;
          } finally {
            clearInterval(renewal);
          }
        });
      }),
    );
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotencyClaim;
  }
}

function lastValue<T>(source: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let value: T;
    source.subscribe({ next: (v) => (value = v), error: reject, complete: () => resolve(value) });
  });
}
