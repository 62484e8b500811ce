import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext, VendorFaultResponses } from '../common';
import { faulted } from '../common';
import type { KlenApiKey, KlenPermission } from './klen.seed';
import type { AuthStyle } from './klen.state';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Klen's flat error envelope: `{ "error": "code", "message": "…" }`. */
export function klenError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message });
}

export function rateLimited(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return klenError(
    reply.header('Retry-After', String(retryAfterSeconds)),
    429,
    'rate_limit_exceeded',
    'Rate limit exceeded',
  );
}

/** Injected errors answer with the documented code for their status. */
export function errorCodeFor(status: number): { error: string; message: string } {
  switch (status) {
    case 400:
      return { error: 'validation_error', message: 'Invalid request' };
    case 401:
      return { error: 'invalid_key', message: 'Invalid or inactive API key' };
    case 402:
      return { error: 'insufficient_funds', message: 'Insufficient balance to place the call' };
    case 403:
      return { error: 'permission_denied', message: 'This API key does not have permission for this action' };
    case 404:
      return { error: 'not_found', message: 'Resource not found' };
    case 429:
      return { error: 'rate_limit_exceeded', message: 'Rate limit exceeded' };
    default:
      return status >= 500
        ? { error: 'server_error', message: 'An unexpected error occurred' }
        : { error: 'validation_error', message: 'Request could not be processed' };
  }
}

export const klenFaultResponses: VendorFaultResponses = {
  error: (reply, status) => {
    const { error, message } = errorCodeFor(status);
    return klenError(reply, status, error, message);
  },
  // An injected 429 knows no window; a short wait keeps retry tests quick.
  rateLimited: (reply, retryAfterSeconds) => rateLimited(reply, retryAfterSeconds),
};

/** Where the key came from: Bearer header first, then X-API-Key, then `?api_key=`. */
export function presentedKey(request: FastifyRequest): { key: string; style: AuthStyle } | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.trim()) {
    // A non-Bearer scheme is a wrong key, not a missing one.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
    return { key: match ? match[1] : authorization.trim(), style: 'bearer' };
  }
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.trim()) return { key: header.trim(), style: 'x-api-key' };
  const query = (request.query as Record<string, unknown> | undefined)?.api_key;
  if (typeof query === 'string' && query.trim()) return { key: query.trim(), style: 'query' };
  return null;
}

export interface Caller {
  key: KlenApiKey;
  style: AuthStyle;
}

/**
 * What every Klen route runs first: faults, then auth (401), the per-key request rate
 * (429), then the route's permission (403). Returns null when the reply is already taken.
 */
export function createGuard(context: SimContext, keys: () => Map<string, KlenApiKey>) {
  const fault = faulted(context, klenFaultResponses);
  return async (request: FastifyRequest, reply: FastifyReply, permission?: KlenPermission): Promise<Caller | null> => {
    if (await fault(request, reply)) return null;
    const presented = presentedKey(request);
    if (!presented) {
      klenError(reply, 401, 'authentication_required', 'Authentication required. Provide an API key.');
      return null;
    }
    const key = keys().get(presented.key);
    if (!key || !key.active) {
      klenError(reply, 401, 'invalid_key', 'Invalid or inactive API key');
      return null;
    }
    const rate = context.limiter.take(`klen:${key.key}:requests`, [
      { limit: key.requests_per_minute_limit, windowMs: MINUTE_MS },
    ]);
    if (!rate.allowed) {
      rateLimited(reply, rate.retryAfterSeconds);
      return null;
    }
    if (permission && !key.permissions.includes(permission)) {
      klenError(reply, 403, 'permission_denied', `This API key does not have the ${permission} permission`);
      return null;
    }
    return { key, style: presented.style };
  };
}

export type KlenGuard = ReturnType<typeof createGuard>;

/** Takes one call from the key's daily quota, which resets at 00:00 UTC. */
export function takeDailyCall(context: SimContext, key: KlenApiKey) {
  return context.limiter.take(`klen:${key.key}:calls`, [
    { limit: key.calls_per_day_limit, windowMs: DAY_MS, aligned: true },
  ]);
}
