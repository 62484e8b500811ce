import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError } from '@switchboard/core';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedKey } from './authenticated-key';
import { KeysService } from './keys.service';
import { hasScope, PUBLIC_METADATA, SCOPES_METADATA } from './scopes';

/**
 * Every route needs a gateway key unless marked @Public; @Scopes names what the key must
 * hold. Verified keys are cached per instance (KeysService); a revocation clears every
 * instance's cache through a Postgres notification, so it still counts on the next request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: KeysService,
  ) {}

  // Synchronous when the key is cached (nearly every request): Nest takes a boolean as well as a promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const presented = presentedKey(request.headers.authorization);
    if (!presented) throw new UnauthorizedError();
    const known = this.keys.known(presented);
    if (known !== undefined) return this.admit(context, request, known);
    return this.keys.authenticate(presented, request.requestContext).then((key) => this.admit(context, request, key));
  }

  private admit(context: ExecutionContext, request: FastifyRequest, key: AuthenticatedKey | null): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (!key) throw new UnauthorizedError('The gateway key is unknown or revoked.');
    request.apiKey = key;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_METADATA, targets) ?? [];
    const missing = required.find((scope) => !hasScope(key.scopes, scope));
    if (missing) throw new ForbiddenError(missing);
    return true;
  }
}

/** The key of an `Authorization: Bearer <key>` header, or null. */
export function presentedKey(authorization: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? null;
}
