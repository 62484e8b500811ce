import type { RunningSimulator, SimulatorOptions, VendorSimulator } from '../common';
import { SimContext, startSimulator } from '../common';
import { KAICALLS_DEFAULT_API_KEY } from './kaicalls.seed';
import { KaiCallsSimulator } from './kaicalls.simulator';

export {
  KAICALLS_DEFAULT_API_KEY,
  KAICALLS_DEFAULT_SESSION,
  KAICALLS_SEED,
  KAICALLS_SESSION_COOKIE,
} from './kaicalls.seed';
export { KAICALLS_BASE_PATH, KaiCallsSimulator } from './kaicalls.simulator';
export { RATE_LIMITS as KAICALLS_RATE_LIMITS } from './kaicalls.guard';
export {
  EVENT_HEADER as KAICALLS_EVENT_HEADER,
  SIGNATURE_HEADER as KAICALLS_SIGNATURE_HEADER,
  signBody as signKaiCallsWebhook,
} from './kaicalls.webhooks';
export type { KcCall, KcCallStatus, KcFailure } from './kaicalls.types';

/** Builds the KaiCalls simulator without listening (for callers that run their own server). */
export function createKaiCallsSimulator(options: SimulatorOptions = {}): {
  vendor: VendorSimulator;
  context: SimContext;
} {
  const context = new SimContext(options);
  const vendor = new KaiCallsSimulator(context, options.apiKey ?? KAICALLS_DEFAULT_API_KEY);
  return { vendor, context };
}

/** Starts KaiCalls on loopback; port 0 (default) picks a free port. API under `${url}/api/v1`. */
export async function startKaiCallsSimulator(
  options: SimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningSimulator> {
  const { vendor, context } = createKaiCallsSimulator(options);
  return startSimulator(vendor, context, options.port ?? 0, options.host);
}
