import { pollUntil } from '@switchboard/simulators/testing';
import type { ApiResponse } from './http';
import { client } from './http';

export type Api = ReturnType<typeof client>;
export const VENDORS = ['kalem', 'klen', 'kaicalls', 'hmsovereign'] as const;
export type Vendor = (typeof VENDORS)[number];
export const TERMINAL_STATUSES = ['completed', 'failed', 'no_answer', 'busy', 'canceled'] as const;

export const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export interface SandboxVendor {
  vendor: Vendor;
  connectionId: string;
  /** The vendor API root, as the connection stores it (`…/api/v1`). */
  baseUrl: string;
  /** A client for the simulator's `/__sim/*` control API (same origin as baseUrl). */
  sim: Api;
  /** The sandbox agent's vendor-side agent id on this connection. */
  providerAgentId: string;
  /** The connection's defaults (number_id, trunk_id, from), as GET /v1/providers shows them. */
  defaults: Record<string, string>;
}

export interface Sandbox {
  agentId: string;
  vendors: Record<Vendor, SandboxVendor>;
}

/** The sandbox connections and agent of a started test gateway (sandbox mode). */
export async function sandboxOf(api: Api): Promise<Sandbox> {
  const providers = await api.get('/v1/providers?limit=200');
  if (providers.status !== 200) throw new Error(`GET /v1/providers: ${providers.status} ${providers.text}`);
  const agents = await api.get('/v1/agents?limit=200');
  const agent = agents.body.data.find((a: { name: string }) => a.name === 'Sandbox agent');
  if (!agent) throw new Error(`no sandbox agent: ${agents.text}`);
  const vendors = {} as Record<Vendor, SandboxVendor>;
  for (const vendor of VENDORS) {
    const connection = providers.body.data.find(
      (c: { provider: string; origin: string }) => c.provider === vendor && c.origin === 'sandbox',
    );
    if (!connection) throw new Error(`no sandbox connection for ${vendor}`);
    const binding = agent.bindings.find((b: { connection_id: string }) => b.connection_id === connection.id);
    vendors[vendor] = {
      vendor,
      connectionId: connection.id,
      baseUrl: connection.base_url,
      sim: client(new URL(connection.base_url).origin),
      providerAgentId: binding.provider_agent_id,
      defaults: connection.defaults ?? {},
    };
  }
  return { agentId: agent.id, vendors };
}

/** Fast, quiet simulators: no vendor rate limits (polling is chatty), a short default call. */
export async function configureSimulators(
  sandbox: Sandbox,
  scenario: Record<string, unknown> = { ring_ms: 300, talk_ms: 2000 },
): Promise<void> {
  for (const v of Object.values(sandbox.vendors)) {
    const reset = await v.sim.post('/__sim/reset');
    if (reset.status !== 200) throw new Error(`${v.vendor} /__sim/reset: ${reset.status}`);
    const config = await v.sim.post('/__sim/config', { rate_limits: false });
    if (config.status !== 200) throw new Error(`${v.vendor} /__sim/config: ${config.status} ${config.text}`);
    const set = await v.sim.post('/__sim/scenario', scenario);
    if (set.status !== 200) throw new Error(`${v.vendor} /__sim/scenario: ${set.status} ${set.text}`);
  }
}

/** Polls GET /v1/calls/:id (which refreshes from the vendor) until `accept` holds. */
export function waitForCall(
  api: Api,
  id: string,
  accept: (call: any) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<any> {
  return pollUntil(
    async () => {
      const res: ApiResponse = await api.get(`/v1/calls/${id}`);
      if (res.status !== 200) throw new Error(`GET /v1/calls/${id}: ${res.status} ${res.text}`);
      return res.body;
    },
    accept,
    { timeoutMs, intervalMs: 40, what },
  );
}

export const waitForTerminal = (api: Api, id: string, timeoutMs?: number) =>
  waitForCall(
    api,
    id,
    (c) => (TERMINAL_STATUSES as readonly string[]).includes(c.status),
    `call ${id} to end`,
    timeoutMs,
  );

/** The vendor-native record of what the simulator was asked to dial, found by a predicate. */
export async function dialedBy(v: SandboxVendor, match: (call: any) => boolean): Promise<any[]> {
  const res = await v.sim.get('/__sim/calls');
  if (res.status !== 200) throw new Error(`${v.vendor} /__sim/calls: ${res.status}`);
  return res.body.calls.filter(match);
}

// Lighter helpers addressing simulators by origin, for suites that need only a few of them.

/** The sandbox connections by vendor, and the simulator control origin of each. */
export async function sandboxSetup(api: Api) {
  const providers = await api.get('/v1/providers?limit=200');
  if (providers.status !== 200) throw new Error(`GET /v1/providers: ${providers.status} ${providers.text}`);
  const byVendor: Record<string, any> = {};
  for (const c of providers.body.data) if (c.origin === 'sandbox') byVendor[c.provider] = c;
  const agents = await api.get('/v1/agents?limit=200');
  const agent = agents.body.data.find((a: any) => a.name === 'Sandbox agent');
  const simOrigin = (vendor: string) => new URL(byVendor[vendor].base_url).origin;
  return { byVendor, agent, simOrigin };
}

export async function sim(origin: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${origin}/__sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`/__sim/${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function simCalls(origin: string): Promise<any[]> {
  return ((await (await fetch(`${origin}/__sim/calls`)).json()) as { calls: any[] }).calls;
}
