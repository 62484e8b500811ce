import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext, VendorSimulator } from '../common';
import { registerAccountRoutes } from './kaicalls.account.routes';
import { registerAgentRoutes } from './kaicalls.agents.routes';
import { registerCallRoutes } from './kaicalls.calls.routes';
import { kaiCallsFaultResponses, sendError } from './kaicalls.errors';
import { createGuard, createUsageLogger } from './kaicalls.guard';
import { KAICALLS_DEFAULT_API_KEY, KAICALLS_DEFAULT_SESSION } from './kaicalls.seed';
import type { KcDeps } from './kaicalls.state';
import { KaiCallsState } from './kaicalls.state';
import { registerSubscriptionRoutes } from './kaicalls.subscriptions.routes';
import { dialedCall } from './kaicalls.views';

export const KAICALLS_BASE_PATH = '/api/v1';

/**
 * The official SDK sends `Content-Type: application/json` on every request, DELETE and
 * bodiless POSTs included; Fastify would refuse those empty bodies, KaiCalls does not.
 */
function parseJson(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (err: Error | null, value?: unknown) => void,
): void {
  const text = body.toString();
  if (!text.trim()) return done(null, undefined);
  try {
    done(null, JSON.parse(text));
  } catch {
    done(Object.assign(new Error('Invalid JSON body'), { statusCode: 400 }));
  }
}

/** Parser and framework errors in KaiCalls' envelope instead of Fastify's. */
function handleError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode ?? 500;
  if (status === 415) return sendError(reply, 400, 'invalid_request', 'Content-Type must be application/json');
  if (status < 500) return sendError(reply, 400, 'invalid_request', error.message);
  return sendError(reply, 500, 'internal_error', 'Internal server error');
}

export class KaiCallsSimulator implements VendorSimulator {
  readonly vendor = 'kaicalls';
  readonly state: KaiCallsState;
  readonly error = kaiCallsFaultResponses.error;
  readonly rateLimited = kaiCallsFaultResponses.rateLimited;

  constructor(
    private readonly context: SimContext,
    readonly apiKey: string = KAICALLS_DEFAULT_API_KEY,
    private readonly session: string = KAICALLS_DEFAULT_SESSION,
  ) {
    this.state = new KaiCallsState(apiKey);
  }

  routes(app: FastifyInstance): void {
    const deps: KcDeps = { context: this.context, state: this.state };
    // One encapsulated plugin, so the parser, hooks and error envelope never touch `/__sim/*`.
    app.register(
      async (api) => {
        api.removeContentTypeParser('application/json');
        api.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
        api.addHook('onRequest', createGuard(this.context, this.state, this.session));
        api.addHook('onResponse', createUsageLogger(this.state));
        api.setErrorHandler(handleError);
        api.setNotFoundHandler((request, reply) =>
          sendError(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
        );
        registerCallRoutes(api, deps);
        registerAgentRoutes(api, deps);
        registerAccountRoutes(api, deps);
        registerSubscriptionRoutes(api, deps);
      },
      { prefix: KAICALLS_BASE_PATH },
    );
  }

  /** Vendor-native calls, oldest first: exact request body, call id, status and failure reason. */
  dialed(): unknown[] {
    return [...this.state.calls.values()].sort((a, b) => a.created_at.localeCompare(b.created_at)).map(dialedCall);
  }

  resetState(): void {
    this.state.reset();
  }
}
