import type { FastifyInstance } from 'fastify';
import { sendError } from './kaicalls.errors';
import { authOf } from './kaicalls.guard';
import type { KcDeps } from './kaicalls.state';
import { asBody } from './kaicalls.validation';
import { keyView } from './kaicalls.views';

/** Scopes a new key gets when none are asked for (seed list; includes `calls:write`). */
export const DEFAULT_KEY_SCOPES = ['agents:read', 'numbers:read', 'calls:read', 'calls:write'];
const SCOPE = /^(\*|[a-z-]+:(read|write|\*))$/;
export const USAGE_LIMIT = { limit: 100, max: 500 };

/** Keys (dashboard session), balance and usage (any key). Account webhooks are in their own file. */
export function registerAccountRoutes(api: FastifyInstance, { state }: KcDeps): void {
  const session = { config: { session: true } };

  api.get('/keys', session, async () => ({ keys: [...state.keys.values()].map(keyView) }));

  api.post('/keys', session, async (request, reply) => {
    const body = request.body === undefined ? {} : asBody(request.body);
    if (!body) return sendError(reply, 400, 'invalid_request', 'Request body must be a JSON object');
    const problems: string[] = [];
    if (body.name !== undefined && typeof body.name !== 'string') problems.push('name must be a string');
    const scopes = body.scopes ?? DEFAULT_KEY_SCOPES;
    if (!Array.isArray(scopes) || !scopes.length || !scopes.every((s) => typeof s === 'string' && SCOPE.test(s)))
      problems.push('scopes must be a non-empty array like ["calls:read"]');
    const businessId = body.business_id ?? null;
    if (businessId !== null && !state.businesses().includes(String(businessId)))
      problems.push('business_id is not one of your businesses');
    if (problems.length) return sendError(reply, 400, 'invalid_request', problems.join('; '));
    const { record, key } = state.createKey({
      name: (body.name as string | undefined) || 'Untitled Key',
      scopes: scopes as string[],
      business_id: businessId as string | null,
    });
    return reply.code(201).send({ ...keyView(record), key });
  });

  api.delete('/keys', session, async (request, reply) => {
    const id = (request.query as Record<string, unknown>).id;
    if (typeof id !== 'string' || !id) return sendError(reply, 400, 'bad_request', 'Missing id parameter');
    const key = state.keyById(id);
    if (!key) return sendError(reply, 404, 'not_found', 'API key not found');
    key.is_active = false;
    return { success: true };
  });

  api.get('/balance', async (request) => {
    const key = authOf(request);
    const calls = [...state.calls.values()];
    return {
      businesses: state
        .businesses()
        .filter((b) => state.canAccess(key, b))
        .map((business_id) => ({
          business_id,
          // Whole minutes per call, rounded up, as telephony is usually billed.
          minutes_used: calls
            .filter((c) => c.business_id === business_id)
            .reduce((sum, c) => sum + Math.ceil(c.duration / 60), 0),
          phone_numbers: [...state.numbers.values()].filter((n) => n.business_id === business_id).length,
          subscription_status: 'active',
        })),
    };
  });

  api.get('/usage', async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const bound = (name: string) => (query[name] === undefined ? null : Date.parse(String(query[name])));
    const start = bound('start');
    const end = bound('end');
    const limit = query.limit === undefined ? USAGE_LIMIT.limit : Number(query.limit);
    const problems: string[] = [];
    if (Number.isNaN(start) || Number.isNaN(end)) problems.push('start and end must be ISO 8601 timestamps');
    if (!Number.isInteger(limit) || limit < 1) problems.push('limit must be a positive integer');
    if (problems.length) return sendError(reply, 400, 'invalid_request', problems.join('; '));
    const rows = state.usage
      .filter(
        (u) =>
          (start === null || Date.parse(u.created_at) >= start) && (end === null || Date.parse(u.created_at) <= end),
      )
      .reverse();
    const take = Math.min(limit, USAGE_LIMIT.max);
    return { usage: rows.slice(0, take).map((u) => ({ ...u })), has_more: rows.length > take };
  });
}
