import type { FastifyError, FastifyInstance } from 'fastify';
import type { SimContext, VendorSimulator } from '../common';
import { faulted } from '../common';
import type { HmsDeps } from './hmsovereign.calls.routes';
import { registerCallRoutes } from './hmsovereign.calls.routes';
import {
  API_LIMIT,
  hasValidKey,
  hmsFaultResponses,
  notFound,
  sendError,
  sendRateLimited,
  setRateHeaders,
  unauthorized,
} from './hmsovereign.errors';
import { registerAssistantRoutes, registerNumberRoutes, registerUsageRoutes } from './hmsovereign.resources.routes';
import { HMSOVEREIGN_BASE_PATH } from './hmsovereign.seed';
import { HmsStore } from './hmsovereign.state';
import type { HmsCall } from './hmsovereign.types';
import { isObject } from './hmsovereign.validation';

/** HMS Sovereign (also Flireo AI / VoiceDock), vendor-002. */
export class HmsSovereignSimulator implements VendorSimulator {
  readonly vendor = 'hmsovereign';
  readonly store = new HmsStore();
  readonly error = hmsFaultResponses.error;
  readonly rateLimited = hmsFaultResponses.rateLimited;

  constructor(
    private readonly context: SimContext,
    readonly apiKey: string,
  ) {}

  routes(app: FastifyInstance): void {
    registerAccountControl(app, this.store);
    const deps: HmsDeps = { context: this.context, store: this.store };
    // Encapsulated, so the vendor's parser, hooks and error envelope leave `/__sim/*` alone.
    void app.register(
      async (scope) => {
        this.guard(scope);
        registerCallRoutes(scope, deps);
        registerAssistantRoutes(scope, deps);
        registerNumberRoutes(scope, deps);
        registerUsageRoutes(scope, deps);
      },
      { prefix: HMSOVEREIGN_BASE_PATH },
    );
  }

  dialed(): unknown[] {
    return [...this.store.calls.values()].map(dialedView);
  }

  resetState(): void {
    this.store.reset();
  }

  /** Faults first, then the key, then the per-key budget; JSON and errors the vendor's way. */
  private guard(scope: FastifyInstance): void {
    const fault = faulted(this.context, hmsFaultResponses);
    scope.addHook('onRequest', async (request, reply) => {
      if (await fault(request, reply)) return reply;
      if (!hasValidKey(request, this.apiKey)) return unauthorized(reply);
      const decision = this.context.limiter.take(`key:${this.apiKey}`, [API_LIMIT]);
      setRateHeaders(reply, decision);
      if (!decision.allowed) return sendRateLimited(reply, decision.retryAfterSeconds);
    });
    // The SDK sends `Content-Type: application/json` on bodiless DELETEs too; Fastify would 400 them.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      return sendError(reply, status, status < 500 ? error.message : 'Internal server error');
    });
    scope.setNotFoundHandler((request, reply) =>
      notFound(reply, `Route ${request.method} ${request.url.split('?')[0]}`),
    );
  }
}

/** What `GET /__sim/calls` lists: the create request as sent, the vendor id and its status now. */
function dialedView(call: HmsCall) {
  const { record } = call;
  return {
    call_id: record.id,
    room_name: record.room_name,
    status: record.status,
    destination: record.caller_phone,
    assistant_id: record.agent_id,
    number_id: record.number_id,
    created_at: record.created_at,
    request: call.request,
    commands: call.commands,
  };
}

/**
 * Dashboard-only settings (account webhook, credit balance) have no API; tests set them here.
 * `POST /__sim/account` `{ webhook_url?, webhook_secret?, credits_exhausted? }`.
 */
function registerAccountControl(app: FastifyInstance, store: HmsStore): void {
  const view = () => ({ ...store.account, webhook_secret: store.account.webhook_secret ? '***' : null });
  app.get('/__sim/account', async () => ({ account: view() }));
  app.post('/__sim/account', async (request, reply) => {
    const body = isObject(request.body) ? request.body : {};
    const problems: string[] = [];
    const nullableString = (key: string) =>
      body[key] === undefined || body[key] === null || typeof body[key] === 'string';
    if (!nullableString('webhook_url')) problems.push('webhook_url: a string or null');
    if (!nullableString('webhook_secret')) problems.push('webhook_secret: a string or null');
    if (body.credits_exhausted !== undefined && typeof body.credits_exhausted !== 'boolean')
      problems.push('credits_exhausted: a boolean');
    if (problems.length) return reply.code(400).send({ error: 'invalid', problems });
    Object.assign(store.account, Object.fromEntries(Object.entries(body).filter(([k]) => k in store.account)));
    return { account: view() };
  });
}
