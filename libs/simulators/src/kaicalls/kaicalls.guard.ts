import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../common';
import { faulted } from '../common';
import { kaiCallsFaultResponses, sendError, sendRateLimited } from './kaicalls.errors';
import { KAICALLS_SESSION_COOKIE } from './kaicalls.seed';
import type { KaiCallsState } from './kaicalls.state';
import { hasScope } from './kaicalls.state';
import type { KcKey } from './kaicalls.types';

/** Per-route options, set as Fastify route `config`. */
export interface KcRouteMeta {
  /** Scope the API key needs (balance/usage need none). */
  scope?: string;
  /** Dashboard-session route (`/keys`): no API key, no rate limit. */
  session?: boolean;
}

/** Documented per-minute limits. Every GET shares one 300/min budget per key (assumption). */
export const RATE_LIMITS: Record<string, number> = {
  'POST /v1/calls': 60,
  'POST /v1/agents': 30,
  'PATCH /v1/agents': 60,
  GET: 300,
};
const WINDOW_MS = 60_000;

/** The rate-limit bucket of a request, or null when KaiCalls documents no limit for it. */
export function rateBucket(method: string, endpoint: string): string | null {
  if (method === 'GET') return 'GET';
  const key = `${method} ${endpoint}`;
  return key in RATE_LIMITS ? key : null;
}

/** `/api/v1/calls?id=x` → `/v1/calls`: the form the rate-limit table and usage log use. */
export function endpointOf(request: FastifyRequest): string {
  const path = request.routeOptions.url ?? request.url.split('?')[0];
  return path.replace(/^\/api/, '').replace(/\/+$/, '');
}

interface RequestAuth {
  key: KcKey;
  callId: string | null;
}

const auths = new WeakMap<FastifyRequest, RequestAuth>();

/** The key that authenticated this request (routes run only after the guard passed). */
export function authOf(request: FastifyRequest): KcKey {
  const auth = auths.get(request);
  if (!auth) throw new Error('KaiCalls route reached without an authenticated key');
  return auth.key;
}

/** Links the usage-log row of this request to a call. */
export function noteCall(request: FastifyRequest, callId: string): void {
  const auth = auths.get(request);
  if (auth) auth.callId = callId;
}

function bearer(request: FastifyRequest): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match ? match[1] : null;
}

function sessionCookie(request: FastifyRequest): string | null {
  const cookies = (request.headers.cookie ?? '').split(';').map((c) => c.trim().split('='));
  const found = cookies.find(([name]) => name === KAICALLS_SESSION_COOKIE);
  return found ? decodeURIComponent(found.slice(1).join('=')) : null;
}

/** 401 reason for a presented key, or null when it is good. */
function keyProblem(key: KcKey | undefined, plain: string | null, now: Date): string | null {
  if (!plain) return 'Missing API key. Send Authorization: Bearer kc_live_...';
  if (!key) return 'Invalid API key';
  if (!key.is_active) return 'API key has been revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now.getTime()) return 'API key has expired';
  return null;
}

/**
 * Runs before every KaiCalls route, in this order: injected fault, authentication,
 * per-key rate limit, scope. Unauthenticated requests do not count against a limit.
 */
export function createGuard(context: SimContext, state: KaiCallsState, session: string) {
  const fault = faulted(context, kaiCallsFaultResponses);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    if (await fault(request, reply)) {
      // `timeout` leaves the reply unsent; hijack so Fastify does not go on to the handler.
      if (!reply.sent) reply.hijack();
      return reply;
    }
    const meta = (request.routeOptions.config ?? {}) as KcRouteMeta;
    if (meta.session) {
      if (sessionCookie(request) !== session)
        return sendError(reply, 401, 'unauthorized', 'Key management requires a dashboard session');
      return;
    }
    const plain = bearer(request);
    const key = plain ? state.keyFor(plain) : undefined;
    const problem = keyProblem(key, plain, context.clock.now());
    if (problem || !key) return sendError(reply, 401, 'unauthorized', problem ?? 'Invalid API key');
    auths.set(request, { key, callId: null });
    key.last_used_at = context.clock.now().toISOString();

    const endpoint = endpointOf(request);
    const bucket = rateBucket(request.method, endpoint);
    if (bucket) {
      const limit = RATE_LIMITS[bucket];
      const decision = context.limiter.take(`${key.id}|${bucket}`, [{ limit, windowMs: WINDOW_MS }]);
      if (!decision.allowed) {
        const what = bucket === 'GET' ? 'GET requests' : bucket;
        return sendRateLimited(
          reply,
          decision.retryAfterSeconds,
          `Rate limit exceeded: ${limit} per minute for ${what}`,
        );
      }
    }
    if (meta.scope && !hasScope(key.scopes, meta.scope))
      return sendError(reply, 403, 'forbidden', `API key lacks ${meta.scope} scope`);
  };
}

/** Appends the usage-log row (`GET /api/v1/usage`) once the response is out. */
export function createUsageLogger(state: KaiCallsState) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const auth = auths.get(request);
    if (!auth) return;
    state.usage.push({
      id: randomUUID(),
      endpoint: endpointOf(request),
      method: request.method,
      status_code: reply.statusCode,
      call_id: auth.callId,
      cost_cents: 0,
      created_at: state.stamp(),
    });
  };
}
