import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimContext } from '../common';
import { QUEUE_MS } from '../common';
import { createGuard, klenError, rateLimited, takeDailyCall } from './klen.errors';
import { startKlenLifecycle } from './klen.lifecycle';
import type { KlenApiKey } from './klen.seed';
import { PRICING } from './klen.seed';
import type { KlenCall, KlenState } from './klen.state';
import { pageOfCalls } from './klen.state';
import type { KlenProblem } from './klen.validation';
import { parseJsonObject, validateCreateCall, validateListQuery, validateWebhookCreate } from './klen.validation';
import { createdView, detailView, listItemView } from './klen.views';

export interface KlenRouteDeps {
  context: SimContext;
  state: KlenState;
  keys: () => Map<string, KlenApiKey>;
}

const reject = (reply: FastifyReply, p: KlenProblem) => klenError(reply, p.status, p.error, p.message);

/**
 * Klen's routes live in their own Fastify scope under `/api`, so its body parsing, error
 * envelope and 404 body do not leak into the shared `/__sim` control routes.
 */
export function registerKlenRoutes(app: FastifyInstance, deps: KlenRouteDeps): void {
  void app.register(
    async (api) => {
      // Klen reads the raw body itself: a bad or missing JSON body is its `invalid_json`,
      // whatever the Content-Type said.
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      api.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
        const status = error.statusCode ?? 500;
        if (status >= 500) return klenError(reply, 500, 'server_error', 'An unexpected error occurred');
        return klenError(reply, status, 'validation_error', error.message ?? 'Invalid request');
      });
      api.setNotFoundHandler((_request, reply) => klenError(reply, 404, 'not_found', 'Not found'));
      registerCallRoutes(api, deps);
      registerWebhookRoutes(api, deps);
    },
    { prefix: '/api' },
  );
}

function registerCallRoutes(api: FastifyInstance, deps: KlenRouteDeps): void {
  const { context, state } = deps;
  const guard = createGuard(context, deps.keys);

  api.get('/v1/calls', async (request, reply) => {
    if (!(await guard(request, reply, 'can_read_calls'))) return reply;
    const parsed = validateListQuery((request.query ?? {}) as Record<string, unknown>);
    if (!parsed.ok) return reject(reply, parsed);
    const { calls, ...envelope } = pageOfCalls(state.calls, parsed.query);
    return { ...envelope, calls: calls.map(listItemView) };
  });

  api.get<{ Params: { call_id: string } }>('/v1/calls/:call_id', async (request, reply) => {
    if (!(await guard(request, reply, 'can_read_calls'))) return reply;
    const call = state.findCall(request.params.call_id);
    if (!call) return klenError(reply, 404, 'not_found', 'Call not found');
    return detailView(call);
  });

  api.post('/v1/calls', async (request, reply) => {
    const caller = await guard(request, reply, 'can_initiate_calls');
    if (!caller) return reply;
    const body = parseJsonObject(request.body);
    if (!body.ok) return reject(reply, body);
    const input = validateCreateCall(body.value, state);
    if (!input.ok) return reject(reply, input);
    // Only calls Klen would really place count against the daily quota.
    const quota = takeDailyCall(context, caller.key);
    if (!quota.allowed) return rateLimited(reply, quota.retryAfterSeconds);

    const now = context.clock.now();
    const call: KlenCall = {
      ...state.newCallIds(),
      status: 'queued',
      failure_reason: null,
      type: 'outbound',
      phone_number: input.phone_number,
      agent: input.agent,
      contact: input.contact,
      variables: input.variables,
      created_at: now,
      estimated_start: new Date(now.getTime() + QUEUE_MS / context.clock.speed),
      dialing_at: null,
      started_at: null,
      ended_at: null,
      duration_seconds: null,
      transcript: null,
      summary: null,
      recording_url: null,
      billing: {
        status: 'pending',
        initial_charge: PRICING.initial_charge,
        final_charge: 0,
        total_charge: PRICING.initial_charge,
      },
      request: body.value,
      auth_style: caller.style,
    };
    state.addCall(call);
    startKlenLifecycle(context, state, call, context.scenarios.for(call.phone_number));
    if (await context.faults.afterCreate(request, reply, [call.phone_number])) return reply;
    return reply.code(201).send(createdView(call));
  });
}

function registerWebhookRoutes(api: FastifyInstance, deps: KlenRouteDeps): void {
  const guard = createGuard(deps.context, deps.keys);

  // Documented without `/v1` and with a trailing slash; no other webhook routes are documented.
  api.post('/webhooks/create/', async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    const body = parseJsonObject(request.body);
    if (!body.ok) return reject(reply, body);
    const input = validateWebhookCreate(body.value);
    if (!input.ok) return reject(reply, input);
    const endpoint = deps.state.addEndpoint({
      name: input.name,
      url: input.url,
      subscribed_events: input.subscribed_events,
    });
    return reply.code(201).send({ ...endpoint, subscribed_events: [...endpoint.subscribed_events] });
  });
}
