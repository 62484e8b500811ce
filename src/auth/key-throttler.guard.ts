import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_METADATA } from './scopes';

/**
 * Per-key rate limit. Runs after AuthGuard, so the tracker is the key (one budget per key,
 * whichever instance serves it when the storage is Redis). Unlike the stock guard it
 * sends the X-RateLimit-* headers on the 429 too, as the contract asks for every response.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return (
      this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, [context.getHandler(), context.getClass()]) ?? false
    );
  }

  protected override async getTracker(request: Record<string, any>): Promise<string> {
    return (request as FastifyRequest).apiKey?.rateKey ?? `ip:${(request as FastifyRequest).ip}`;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = generateKey(context, await getTracker(request, context), throttler.name!);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, throttler.name!);
    reply.header('X-RateLimit-Limit', limit);
    reply.header('X-RateLimit-Remaining', Math.max(0, limit - record.totalHits));
    reply.header('X-RateLimit-Reset', record.isBlocked ? record.timeToBlockExpire : record.timeToExpire);
    if (record.isBlocked) {
      reply.header('Retry-After', Math.max(1, record.timeToBlockExpire));
      throw new ThrottlerException();
    }
    return true;
  }
}
