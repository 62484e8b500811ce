import type { RunningSimulator, SimulatorOptions, VendorSimulator } from '../common';
import { SimContext, startSimulator } from '../common';
import { kalemFaultResponses } from './kalem.errors';
import { registerKalemRoutes } from './kalem.routes';
import { KALEM_DEFAULT_API_KEY, KALEM_SEED } from './kalem.seed';
import { KalemCallStore } from './kalem.state';

export interface KalemSimulator {
  vendor: VendorSimulator;
  context: SimContext;
}

/** Builds the Kalem simulator without starting it (the sandbox may mount it itself). */
export function createKalemSimulator(options: SimulatorOptions = {}): KalemSimulator {
  const context = new SimContext(options);
  const apiKey = options.apiKey ?? KALEM_DEFAULT_API_KEY;
  const store = new KalemCallStore(context);
  const vendor: VendorSimulator = {
    vendor: 'kalem',
    apiKey,
    ...kalemFaultResponses,
    routes: (app) => registerKalemRoutes(app, { context, store, account: KALEM_SEED, apiKey }),
    dialed: () => store.dialed(),
    resetState: () => store.reset(),
  };
  return { vendor, context };
}

/** Starts the Kalem simulator on loopback; port 0 (the default) picks a free port. */
export async function startKalemSimulator(
  options: SimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningSimulator> {
  const { vendor, context } = createKalemSimulator(options);
  return startSimulator(vendor, context, options.port ?? 0, options.host ?? '127.0.0.1');
}
