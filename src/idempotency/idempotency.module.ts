import { CallHandler, ExecutionContext, Module, NestInterceptor, RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyGate, OPENS_IDEMPOTENCY_GATE } from './idempotency.gate';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

/**
 * Idempotency-Key applies to every POST (the API reference's introduction, src/common/openapi.ts), so the interceptor is put on
 * every POST handler of every controller, rather than registered globally: a global
 * interceptor wraps every request (GETs and /health/live included) in rxjs for nothing.
 * Attaching it by route keeps "every POST" true without a decorator to forget on a new route.
 * A handler marked `@OpensIdempotencyGate()` runs the same gate itself and is left without it.
 * It runs in the module's constructor: after the controllers are known, before their routes
 * are built (app.init), which is when Nest reads the interceptor metadata.
 */
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKeyEntity])],
  providers: [IdempotencyService, IdempotencyGate, IdempotencyInterceptor],
  exports: [IdempotencyService, IdempotencyGate],
})
export class IdempotencyModule {
  constructor(modules: ModulesContainer, adapter: HttpAdapterHost, interceptor: IdempotencyInterceptor) {
    BY_SERVER.set(adapter.httpAdapter.getInstance(), interceptor);
    for (const module of modules.values())
      for (const controller of module.controllers.values()) {
        const prototype = (controller.metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
        if (prototype) attachToPostHandlers(prototype);
      }
  }
}

/**
 * Route metadata lives on the controller classes, which every gateway in a process shares
 * (tests start several), so what is attached is one object that hands each request to the
 * interceptor of the gateway serving it, found by that gateway's Fastify instance.
 */
const BY_SERVER = new WeakMap<object, IdempotencyInterceptor>();
const POST_IDEMPOTENCY: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const interceptor = BY_SERVER.get(context.switchToHttp().getRequest<FastifyRequest>().server);
    if (!interceptor) throw new Error('No idempotency interceptor for this server');
    return interceptor.intercept(context, next);
  },
};

/** Adds the idempotency interceptor to each POST handler of a controller, once. */
function attachToPostHandlers(prototype: Record<string, unknown>): void {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as object | undefined;
    if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
    if (Reflect.getMetadata(OPENS_IDEMPOTENCY_GATE, handler)) continue;
    const existing: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [];
    if (!existing.includes(POST_IDEMPOTENCY))
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [...existing, POST_IDEMPOTENCY], handler);
  }
}
