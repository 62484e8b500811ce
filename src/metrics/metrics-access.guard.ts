import { CanActivate, ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import { ForbiddenError, UnauthorizedError } from '@switchboard/core';
import type { FastifyRequest } from 'fastify';
import { presentedKey } from '../auth/auth.guard';
import { KeysService } from '../auth/keys.service';
import { hasScope } from '../auth/scopes';
import { ConfigVariables } from '../config/config.variables';

/**
 * METRICS_ACCESS decides who reads /metrics: route names, call volumes and vendor latencies
 * say a lot about a deployment, so by default it takes a key with `metrics:read` (or `*`),
 * which Prometheus sends as a bearer token. `public` is for a port only the scraper reaches;
 * `off` answers 404 as if there were no such route.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    private readonly config: ConfigVariables,
    private readonly keys: KeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.config.METRICS_ACCESS;
    if (access === 'public') return true;
    if (access === 'off') throw new NotFoundException('Cannot GET /metrics');
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const presented = presentedKey(request.headers.authorization);
    if (!presented) throw new UnauthorizedError();
    const key = await this.keys.authenticate(presented);
    if (!key) throw new UnauthorizedError('The gateway key is unknown or revoked.');
    if (!hasScope(key.scopes, 'metrics:read')) throw new ForbiddenError('metrics:read');
    return true;
  }
}
