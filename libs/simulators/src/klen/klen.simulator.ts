import type { FastifyInstance } from 'fastify';
import type { RunningSimulator, SimulatorOptions, VendorSimulator } from '../common';
import { SimContext, startSimulator } from '../common';
import { klenFaultResponses } from './klen.errors';
import { registerKlenRoutes } from './klen.routes';
import type { KlenApiKey } from './klen.seed';
import { DEFAULT_BALANCE, KLEN_DEFAULT_API_KEY, seedKeys } from './klen.seed';
import { KlenState } from './klen.state';
import { iso } from './klen.views';

export interface KlenSimulatorOptions extends SimulatorOptions {
  /** Starting account balance in USD (default 100); below 0.50 every create answers 402. */
  balance?: number;
  /** More keys, e.g. with other permissions or negotiated limits. */
  keys?: KlenApiKey[];
}

/** Klen AI: `https://api.klen.ai/api/v1` calls plus `/api/webhooks/create/`. */
export class KlenSimulator implements VendorSimulator {
  readonly vendor = 'klen';
  readonly apiKey: string;
  readonly state: KlenState;
  private readonly keys: Map<string, KlenApiKey>;
  readonly error = klenFaultResponses.error;
  readonly rateLimited = klenFaultResponses.rateLimited;

  constructor(
    private readonly context: SimContext,
    options: KlenSimulatorOptions = {},
  ) {
    this.apiKey = options.apiKey ?? KLEN_DEFAULT_API_KEY;
    this.keys = seedKeys(this.apiKey, options.keys);
    this.state = new KlenState(options.balance ?? DEFAULT_BALANCE);
  }

  routes(app: FastifyInstance): void {
    registerKlenRoutes(app, { context: this.context, state: this.state, keys: () => this.keys });
  }

  /** Vendor-native view of every create request, oldest first. */
  dialed(): unknown[] {
    return this.state.calls.map((call) => ({
      id: call.id,
      call_id: call.call_id,
      status: call.status,
      failure_reason: call.failure_reason,
      phone_number: call.phone_number,
      agent_id: call.agent.id,
      assistant_id: call.agent.assistant_id,
      auth_style: call.auth_style,
      created_at: iso(call.created_at),
      request: call.request,
    }));
  }

  resetState(): void {
    this.state.reset();
  }
}

/** docs/vendors/klen.md § Gaps: 3 retries on non-2xx/timeout, exponential 1 s, 4 s, 16 s. */
export const KLEN_WEBHOOK_POLICY = { retries: 3, retryDelaysMs: [1_000, 4_000, 16_000] };

export function createKlenSimulator(options: KlenSimulatorOptions = {}): {
  vendor: KlenSimulator;
  context: SimContext;
} {
  const context = new SimContext({ webhookPolicy: KLEN_WEBHOOK_POLICY, ...options });
  return { vendor: new KlenSimulator(context, options), context };
}

export function startKlenSimulator(
  options: KlenSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningSimulator> {
  const { vendor, context } = createKlenSimulator(options);
  return startSimulator(vendor, context, options.port ?? 0, options.host);
}
