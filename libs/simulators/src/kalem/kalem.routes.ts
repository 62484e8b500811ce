import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../common';
import { faulted } from '../common';
import { toCallObject, toCreatedCall } from './kalem.views';
import { validateCreateCall } from './kalem.validation';
import {
  bearerToken,
  KALEM_RATE_WINDOWS,
  kalemFaultResponses,
  MalformedJson,
  rateLimitHeaders,
  registerKalemBodyParser,
  sendTooManyAttempts,
} from './kalem.errors';
import { statusMessage, validationBody } from './kalem.laravel';
import { paginate, parseListQuery } from './kalem.list-query';
import type { KalemAccount } from './kalem.seed';
import type { KalemCallStore } from './kalem.state';

export interface KalemRouteDeps {
  context: SimContext;
  store: KalemCallStore;
  account: KalemAccount;
  apiKey: string;
}

export const KALEM_API_PREFIX = '/api/v1';

type CallParams = { Params: { callId: string } };

/** Registers Kalem's documented endpoints under `/api/v1` with Kalem's own error handling. */
export function registerKalemRoutes(app: FastifyInstance, deps: KalemRouteDeps): void {
  void app.register(
    async (scope) => {
      registerKalemBodyParser(scope);
      scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
        const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
        return reply.code(status).send({ message: statusMessage(status) });
      });
      scope.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0].replace(/^\//, '');
        return reply.code(404).send({ message: `The route ${path} could not be found.` });
      });
      calls(scope, deps);
    },
    { prefix: KALEM_API_PREFIX },
  );
}

function calls(scope: FastifyInstance, deps: KalemRouteDeps): void {
  const { context, store, account } = deps;
  const guard = gate(deps);
  const notFound = (reply: FastifyReply) => reply.code(404).send({ message: statusMessage(404) });

  scope.post('/calls', async (request, reply) => {
    if (await guard(request, reply)) return reply;
    if (request.body instanceof MalformedJson)
      return reply.code(400).send({ message: 'The request body is not valid JSON.' });
    const result = validateCreateCall(request.body, account);
    if (!result.ok) return reply.code(422).send(validationBody(result.errors));
    const created = store.create(result.value, request.body);
    // The ambiguous case: the calls exist and ring, but the client sees a timeout or reset.
    if (
      await context.faults.afterCreate(
        request,
        reply,
        created.map((c) => c.to_number),
      )
    )
      return reply;
    const data = created.map(toCreatedCall);
    if (!result.value.batch) return reply.code(201).send({ message: 'Call initiated successfully', data: data[0] });
    const noun = data.length === 1 ? 'call' : 'calls';
    return reply.code(201).send({ message: `${data.length} ${noun} initiated successfully`, data });
  });

  scope.get('/calls', async (request, reply) => {
    if (await guard(request, reply)) return reply;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const parsed = parseListQuery(query);
    if (!parsed.ok) return reply.code(422).send(validationBody(parsed.errors));
    const { page, perPage } = parsed.value;
    const path = `${request.protocol}://${request.host}${KALEM_API_PREFIX}/calls`;
    const calls = store.list(parsed.value).map(toCallObject);
    return reply.send(paginate(calls, page, perPage, path, query));
  });

  scope.get<CallParams>('/calls/:callId', async (request, reply) => {
    if (await guard(request, reply)) return reply;
    const call = store.get(request.params.callId);
    return call ? reply.send({ data: toCallObject(call) }) : notFound(reply);
  });

  scope.delete<CallParams>('/calls/:callId', async (request, reply) => {
    if (await guard(request, reply)) return reply;
    switch (store.delete(request.params.callId)) {
      case 'deleted':
        return reply.send({ message: 'Call deleted successfully.' });
      case 'active':
        // Status not documented; 422 is the default of docs/vendors/kalem.md § Gaps.
        return reply
          .code(422)
          .send({ message: 'Cannot delete an active call. Wait for the call to complete or fail.' });
      default:
        return notFound(reply);
    }
  });
}

/**
 * What runs before every Kalem handler: injected faults first, then Sanctum auth, then the
 * per-token throttle (whose headers go on every authenticated response). True = answered.
 */
function gate({ context, apiKey }: KalemRouteDeps) {
  const fault = faulted(context, kalemFaultResponses);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (await fault(request, reply)) return true;
    const token = bearerToken(request.headers.authorization);
    if (token !== apiKey) {
      reply.code(401).send({ message: statusMessage(401) });
      return true;
    }
    const decision = context.limiter.take(`kalem:${token}`, KALEM_RATE_WINDOWS);
    if (!decision.allowed) {
      sendTooManyAttempts(reply, decision);
      return true;
    }
    reply.headers(rateLimitHeaders(decision));
    return false;
  };
}
