import type { RunningSimulator, SimulatorOptions } from './common';
import {
  HMSOVEREIGN_DEFAULT_API_KEY,
  SEEDED_ASSISTANT_IDS,
  SEEDED_NUMBER_IDS,
  startHmsSovereignSimulator,
} from './hmsovereign';
import { KAICALLS_DEFAULT_API_KEY, KAICALLS_SEED, startKaiCallsSimulator } from './kaicalls';
import { KALEM_DEFAULT_API_KEY, KALEM_SEED, startKalemSimulator } from './kalem';
import { KLEN_DEFAULT_API_KEY, startKlenSimulator } from './klen';

/**
 * What a gateway needs to know to use one simulated account: where its API lives, the key
 * it accepts, the defaults a create call needs, and one seeded agent to bind to. Written in
 * each vendor's own terms (ids as the vendor spells them).
 */
export interface SimulatedAccount {
  vendor: SimulatedVendor;
  /** The vendor's API root, as a real base_url would be (`…/api/v1`). */
  baseUrl: string;
  apiKey: string;
  defaults: Record<string, string>;
  sampleAgentId: string;
  simulator: RunningSimulator;
}

export const SIMULATED_VENDORS = ['kalem', 'klen', 'kaicalls', 'hmsovereign'] as const;
export type SimulatedVendor = (typeof SIMULATED_VENDORS)[number];

/** Fixed ports for `npm run simulators`, so a standalone setup has stable URLs. */
export const STANDALONE_PORTS: Record<SimulatedVendor, number> = {
  kalem: 4101,
  klen: 4102,
  kaicalls: 4103,
  hmsovereign: 4104,
};

const VENDORS: Record<
  SimulatedVendor,
  {
    start: (o: SimulatorOptions & { port?: number; host?: string }) => Promise<RunningSimulator>;
    apiKey: string;
    defaults: Record<string, string>;
    sampleAgentId: string;
  }
> = {
  kalem: {
    start: startKalemSimulator,
    apiKey: KALEM_DEFAULT_API_KEY,
    defaults: {
      number_id: String(KALEM_SEED.numbers[0].id),
      trunk_id: String(KALEM_SEED.trunks[0].id),
      from: KALEM_SEED.numbers[0].phone_number,
    },
    sampleAgentId: String(KALEM_SEED.agents[0].id),
  },
  klen: { start: startKlenSimulator, apiKey: KLEN_DEFAULT_API_KEY, defaults: {}, sampleAgentId: '12' },
  kaicalls: {
    start: startKaiCallsSimulator,
    apiKey: KAICALLS_DEFAULT_API_KEY,
    defaults: { from: KAICALLS_SEED.numbers.main.phoneNumber },
    sampleAgentId: KAICALLS_SEED.agents.kai.id,
  },
  hmsovereign: {
    start: startHmsSovereignSimulator,
    apiKey: HMSOVEREIGN_DEFAULT_API_KEY,
    defaults: { number_id: SEEDED_NUMBER_IDS.appointments },
    sampleAgentId: SEEDED_ASSISTANT_IDS.appointments,
  },
};

export interface StartSimulatorsOptions extends SimulatorOptions {
  vendors?: readonly SimulatedVendor[];
  /** Fixed ports per vendor; absent = ephemeral (tests, sandbox). */
  ports?: Partial<Record<SimulatedVendor, number>>;
  host?: string;
}

/** Starts the simulators on loopback; `stopSimulators` closes them all. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<SimulatedAccount[]> {
  const { vendors = SIMULATED_VENDORS, ports = {}, host = '127.0.0.1', ...simOptions } = options;
  const started: SimulatedAccount[] = [];
  try {
    for (const vendor of vendors) {
      const spec = VENDORS[vendor];
      const simulator = await spec.start({ ...simOptions, port: ports[vendor] ?? 0, host });
      started.push({
        vendor,
        baseUrl: `${simulator.url}/api/v1`,
        apiKey: spec.apiKey,
        defaults: spec.defaults,
        sampleAgentId: spec.sampleAgentId,
        simulator,
      });
    }
  } catch (e) {
    await stopSimulators(started);
    throw e;
  }
  return started;
}

export async function stopSimulators(accounts: SimulatedAccount[]): Promise<void> {
  await Promise.all(accounts.map((a) => a.simulator.close()));
}
