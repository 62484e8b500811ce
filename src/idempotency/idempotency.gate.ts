import { Injectable, SetMetadata } from '@nestjs/common';
import { ProvidersUnavailableError, ValidationFailedError } from '@switchboard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError, PrecomputedErrorResponse } from '../common/error-response';
import { IdempotencyClaim, IdempotencyService } from './idempotency.service';
import { requestHash } from './request-hash';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST (the API reference's introduction, src/common/openapi.ts): the
 * same key and body within 24 h return the first response (`Idempotent-Replayed: true`); the
 * same key with another body is 422 `idempotency_key_reused`; a duplicate still running is 409
 * `idempotency_in_progress`. A request refused with a 4xx changed nothing, so its key is
 * released for a corrected retry; a 5xx may have acted (an ambiguous create may have dialed),
 * so it is stored and replayed — a retried create never dials twice — unless the handler
 * proved nothing was placed (every vendor refused before dialing). The claim is handed to the
 * handler (`request.idempotency`), which records the calls it stores on the key; while the
 * request runs its lease is renewed, so only a dead instance's key can be taken over and resumed.
 *
 * One gate, two doors: the interceptor every POST route gets (src/idempotency/idempotency.module.ts),
 * and a handler that opens it itself (`@OpensIdempotencyGate()`), the create. On a route with an
 * interceptor Nest runs every request through rxjs, header or not: about 4 % of a create's CPU.
 */
@Injectable()
export class IdempotencyGate {
  constructor(private readonly service: IdempotencyService) {}

  /** `work` under the request's key, or plainly when the request sends none. */
  run<T>(request: FastifyRequest, reply: FastifyReply, successStatus: number, work: () => Promise<T>): Promise<T> {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.apiKey) return work();
    return this.underKey(request, reply, successStatus, Array.isArray(header) ? header[0] : header, work);
  }

  private async underKey<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    successStatus: number,
    key: string,
    work: () => Promise<T>,
  ): Promise<T> {
    if (!KEY_PATTERN.test(key))
      throw new ValidationFailedError([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
      ]);
    const owner = request.apiKey!.id;
    const context = request.requestContext;
    const begin = await this.service.begin(owner, key, requestHash(request.method, request.url, request.body), context);
    if (begin.kind === 'replay') {
      reply.header('Idempotent-Replayed', 'true');
      if (begin.status >= 400) throw new PrecomputedErrorResponse(begin.status, begin.body);
      return begin.body as T;
    }
    const claim: IdempotencyClaim = {
      owner,
      key,
      resume: begin.kind === 'resume' ? begin.callIds : null,
      successStatus,
    };
    request.idempotency = claim;
    const renewal = setInterval(
      () => void this.service.renew(owner, key, context).catch(() => undefined),
      this.service.leaseMs / 3,
    );
    renewal.unref();
    try {
      const body = await work();
      if (!claim.completed) await this.service.complete(owner, key, successStatus, body, context);
      return body;
    } catch (error) {
      // The handler stored its success on the key already (it placed what it was asked to):
      // a retry replays that, whatever failed after it.
      if (claim.completed) throw error;
      const mapped = mapError(error, String(request.id));
      // The database went away mid-request: what the request did is unknown and could
      // not be written down anyway. Like a crashed instance, it leaves the key to its
      // lease; the client's retry after that resumes the calls recorded on it.
      if (mapped.outage === 'database') throw error;
      const nothingDone = mapped.status < 500 || (error instanceof ProvidersUnavailableError && error.nothingDialed);
      if (nothingDone) await this.service.release(owner, key, context);
      else await this.service.complete(owner, key, mapped.status, mapped.body, context);
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }
}

/** Marks a POST handler that runs the gate itself, so the module leaves its interceptor off that route. */
export const OPENS_IDEMPOTENCY_GATE = 'switchboard:opens-idempotency-gate';
export const OpensIdempotencyGate = () => SetMetadata(OPENS_IDEMPOTENCY_GATE, true);

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotencyClaim;
  }
}
