import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import type { FaultConfig, VendorFaultResponses } from './faults';
import { FaultInjector, faultProblems } from './faults';
import { FixedWindowLimiter } from './rate-limiter';
import type { Scenario } from './scenario';
import { ScenarioBook, scenarioProblems } from './scenario';
import { SimClock } from './sim-clock';
import type { WebhookPolicy } from './webhook-sender';
import { DEFAULT_WEBHOOK_POLICY, WebhookSender } from './webhook-sender';

export interface SimulatorOptions {
  /** The API key the simulated account accepts (each vendor has its own default format). */
  apiKey?: string;
  /** Lifecycle speed-up factor; the default makes a default call last about a second. */
  speed?: number;
  /** Injected randomness, so fault probability and shuffles are testable. */
  random?: () => number;
  /** Webhook delivery as the vendor documents it (default: no retries, 10 s timeout). */
  webhookPolicy?: Partial<WebhookPolicy>;
}

/** Everything a vendor simulator shares: clock, scenarios, faults, rate limits, webhooks. */
export class SimContext {
  readonly clock: SimClock;
  readonly scenarios = new ScenarioBook();
  readonly faults: FaultInjector;
  readonly limiter = new FixedWindowLimiter();
  readonly webhooks: WebhookSender;

  constructor(options: SimulatorOptions) {
    this.clock = new SimClock(options.speed ?? 40);
    const random = options.random ?? Math.random;
    this.faults = new FaultInjector(this.clock, random);
    this.webhooks = new WebhookSender(this.clock, random, { ...DEFAULT_WEBHOOK_POLICY, ...options.webhookPolicy });
  }
}

/** What each vendor supplies to the shared shell. */
export interface VendorSimulator extends VendorFaultResponses {
  readonly vendor: string;
  readonly apiKey: string;
  /** Registers the vendor's own routes on the server. */
  routes(app: FastifyInstance): void;
  /** What was dialed, vendor-native, for `GET /__sim/calls`. */
  dialed(): unknown[];
  /** Forgets all calls and vendor state (keys and defaults stay). */
  resetState(): void;
}

export interface RunningSimulator {
  readonly vendor: string;
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly context: SimContext;
  close(): Promise<void>;
}

/**
 * Starts a vendor simulator on loopback. Port 0 picks a free port (tests, sandbox);
 * `npm run simulators` passes fixed ones. The `/__sim/*` control API shares the port.
 */
export async function startSimulator(
  vendor: VendorSimulator,
  context: SimContext,
  port = 0,
  host = '127.0.0.1',
): Promise<RunningSimulator> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  registerControlRoutes(app, vendor, context);
  vendor.routes(app);
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    vendor: vendor.vendor,
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    apiKey: vendor.apiKey,
    context,
    async close() {
      context.clock.cancelAll();
      await app.close();
    },
  };
}

/** Runs the fault injector and hands back true when the request was already answered. */
export function faulted(context: SimContext, vendor: VendorFaultResponses) {
  return (request: FastifyRequest, reply: FastifyReply) => context.faults.before(request, reply, vendor);
}

function registerControlRoutes(app: FastifyInstance, vendor: VendorSimulator, context: SimContext): void {
  const bad = (reply: FastifyReply, problems: string[]) => reply.code(400).send({ error: 'invalid', problems });

  app.get('/__sim/calls', async () => ({ vendor: vendor.vendor, calls: vendor.dialed() }));
  app.get('/__sim/webhooks', async () => ({ deliveries: context.webhooks.log }));
  app.get('/__sim/state', async () => ({
    vendor: vendor.vendor,
    speed: context.clock.speed,
    faults: context.faults.current,
    webhook_policy: context.webhooks.policy,
    rate_limits: context.limiter.enabled,
  }));

  app.post('/__sim/reset', async () => {
    context.clock.cancelAll();
    context.scenarios.reset();
    context.faults.reset();
    context.limiter.reset();
    context.limiter.enabled = true;
    context.webhooks.reset();
    vendor.resetState();
    return { ok: true };
  });

  app.post('/__sim/scenario', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const problems = scenarioProblems(body);
    if (problems.length) return bad(reply, problems);
    return { scenario: context.scenarios.set(body as Partial<Scenario> & { to?: string }), to: body.to ?? null };
  });

  app.post('/__sim/faults', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const problems = faultProblems(body);
    if (problems.length) return bad(reply, problems);
    context.faults.releaseHeld();
    context.faults.set(body as unknown as FaultConfig);
    return { faults: context.faults.current };
  });

  /** speed, webhook retry policy and a switch for the vendor's rate limits. */
  app.post('/__sim/config', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    const positive = (key: string) =>
      body[key] === undefined || (typeof body[key] === 'number' && (body[key] as number) >= 0);
    for (const key of ['speed', 'webhook_retries', 'webhook_retry_delay_ms', 'webhook_timeout_ms', 'webhook_late_ms'])
      if (!positive(key)) problems.push(`${key}: a number >= 0`);
    if (body.rate_limits !== undefined && typeof body.rate_limits !== 'boolean')
      problems.push('rate_limits: a boolean');
    if (body.speed === 0) problems.push('speed: > 0');
    if (problems.length) return bad(reply, problems);
    if (body.speed !== undefined) context.clock.speed = body.speed as number;
    const policy = context.webhooks.policy;
    if (body.webhook_retries !== undefined) policy.retries = body.webhook_retries as number;
    if (body.webhook_retry_delay_ms !== undefined) {
      policy.retryDelayMs = body.webhook_retry_delay_ms as number;
      policy.retryDelaysMs = undefined;
    }
    if (body.webhook_timeout_ms !== undefined) policy.timeoutMs = body.webhook_timeout_ms as number;
    if (body.webhook_late_ms !== undefined) policy.lateMs = body.webhook_late_ms as number;
    if (body.rate_limits !== undefined) context.limiter.enabled = body.rate_limits as boolean;
    return { speed: context.clock.speed, webhook_policy: policy, rate_limits: context.limiter.enabled };
  });
}
