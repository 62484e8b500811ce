import type { RunningSimulator, SimulatorOptions } from '../common';
import { SimContext, startSimulator } from '../common';
import { HMSOVEREIGN_DEFAULT_API_KEY } from './hmsovereign.seed';
import { HmsSovereignSimulator } from './hmsovereign.simulator';

export {
  HMSOVEREIGN_BASE_PATH,
  HMSOVEREIGN_DEFAULT_API_KEY,
  SEEDED_ASSISTANT_IDS,
  SEEDED_NUMBER_IDS,
} from './hmsovereign.seed';
export { FAILURE_TEXT } from './hmsovereign.lifecycle';
export { signWebhook, verifyWebhook } from './hmsovereign.webhooks';
export { HmsSovereignSimulator } from './hmsovereign.simulator';
export type { CallRecord as HmsCallRecord, HmsCallStatus } from './hmsovereign.types';

export function createHmsSovereignSimulator(options: SimulatorOptions = {}): {
  vendor: HmsSovereignSimulator;
  context: SimContext;
} {
  const context = new SimContext(options);
  return { vendor: new HmsSovereignSimulator(context, options.apiKey ?? HMSOVEREIGN_DEFAULT_API_KEY), context };
}

/** Vendor routes live under `${url}/api/v1` (the SDK's base path); `/__sim/*` at the root. */
export async function startHmsSovereignSimulator(
  options: SimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningSimulator> {
  const { vendor, context } = createHmsSovereignSimulator(options);
  return startSimulator(vendor, context, options.port ?? 0, options.host);
}
