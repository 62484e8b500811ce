import type { AdapterFactory, AgentSpec, ProviderAdapter, ProviderCall, VendorAgent } from '@switchboard/core';
import { CapabilityUnsupportedError, isTerminal, ProviderError } from '@switchboard/core';
import { KaiCallsCapabilities } from './kaicalls.capabilities';
import { createKaiCallsClient, KAICALLS_MAX_PAGE } from './kaicalls.client';
import {
  callOfDetail,
  costFromUsage,
  toKaiCallsCreateAgentBody,
  toKaiCallsCreateCall,
  toKaiCallsPatchAgentBody,
  toProviderCall,
  toVendorAgent,
  toVendorNumber,
} from './kaicalls.mappers';
import { parseKaiCallsWebhook, verifyKaiCallsWebhook } from './kaicalls.webhooks';

/** How far around a call's `created_at` its usage-log row (the create request) is looked for. */
const USAGE_WINDOW_MS = 2 * 60_000;
const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1_000;

function invalid(message: string, fieldErrors: { field: string; message: string }[] = []): ProviderError {
  return new ProviderError({ provider: 'kaicalls', kind: 'invalid_request', message, fieldErrors });
}

export const createKaiCallsAdapter: AdapterFactory = (context) => {
  const client = createKaiCallsClient(context);

  /** ⚖ Cost is best effort: a failed usage lookup leaves it null rather than failing the read. */
  async function withCost(call: ProviderCall): Promise<ProviderCall> {
    const created = call.createdAt ? Date.parse(call.createdAt) : NaN;
    if (!isTerminal(call.status) || Number.isNaN(created)) return call;
    try {
      const usage = await client.listUsage({
        start: new Date(created - USAGE_WINDOW_MS).toISOString(),
        end: new Date(created + USAGE_WINDOW_MS).toISOString(),
      });
      return { ...call, cost: costFromUsage(usage, call.providerCallId) };
    } catch (e) {
      if (e instanceof ProviderError) return call;
      throw e;
    }
  }

  /** `POST /agents` needs a business: the connection's, or the key's only one. */
  async function businessId(): Promise<string> {
    const configured = context.credentials.business_id;
    if (configured) return configured;
    const balance = (await client.getBalance()) as { businesses?: { business_id?: unknown }[] } | null;
    const ids = (balance?.businesses ?? [])
      .map((b) => b?.business_id)
      .filter((id): id is string => typeof id === 'string');
    if (ids.length === 1) return ids[0];
    throw invalid(
      `KaiCalls needs a business to create an agent and this key sees ${ids.length}; set credentials.business_id on the connection.`,
      [{ field: 'credentials.business_id', message: 'required when the key sees zero or several businesses' }],
    );
  }

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    provider: 'kaicalls',
    capabilities: KaiCallsCapabilities,

    async createCall(input) {
      if (input.to.startsWith('sip:')) throw new CapabilityUnsupportedError('kaicalls', 'sipDestinations');
      const { body, warnings } = toKaiCallsCreateCall(input);
      const call = toProviderCall(await client.createCall(body));
      if (!call.providerCallId) {
        // 2xx without an id: the call may exist, so it must be looked up, not redialled.
        throw new ProviderError({
          provider: 'kaicalls',
          kind: 'ambiguous',
          message: 'KaiCalls accepted the call but returned no call id.',
        });
      }
      return {
        call: { ...call, to: call.to ?? input.to, providerAgentId: call.providerAgentId ?? input.providerAgentId },
        warnings,
      };
    },

    async getCall(providerCallId) {
      const raw = callOfDetail(await client.getCall(providerCallId), providerCallId);
      if (!raw)
        throw new ProviderError({
          provider: 'kaicalls',
          kind: 'not_found',
          status: 404,
          message: `KaiCalls has no call '${providerCallId}'.`,
        });
      const call = toProviderCall(raw);
      return withCost({ ...call, providerCallId: call.providerCallId || providerCallId });
    },

    async listCalls({ createdAfter, limit = DEFAULT_LIST_LIMIT }) {
      const rows = await client.listCallsSince({ createdAfter, limit: Math.min(Math.max(1, limit), MAX_LIST_LIMIT) });
      return rows.map((row) => toProviderCall(row));
    },

    async *listCallHistory({ createdAfter }) {
      for await (const page of client.callPages({ createdAfter, pageSize: () => KAICALLS_MAX_PAGE })) {
        yield page.map((row) => toProviderCall(row));
      }
    },

    async cancelCall() {
      throw new CapabilityUnsupportedError('kaicalls', 'cancelCall');
    },

    async deleteCall() {
      throw new CapabilityUnsupportedError('kaicalls', 'deleteCall');
    },

    async controlCall() {
      throw new CapabilityUnsupportedError('kaicalls', 'control');
    },

    async listAgents() {
      const agents = ((await client.listAgents()) as { agents?: unknown } | null)?.agents;
      return Array.isArray(agents) ? agents.map(toVendorAgent) : [];
    },

    async createAgent(spec: AgentSpec): Promise<VendorAgent> {
      // Checked before any request, so a bad spec never costs a /balance lookup.
      const draft = toKaiCallsCreateAgentBody(spec, '');
      if (draft.problems.length)
        throw invalid(
          `KaiCalls cannot create this agent: ${draft.problems.map((p) => p.message).join(' ')}`,
          draft.problems,
        );
      const agent = toVendorAgent(await client.createAgent({ ...draft.body, business_id: await businessId() }));
      return { ...agent, name: agent.name || spec.name };
    },

    async updateAgent(providerAgentId, spec) {
      const { body, problems } = toKaiCallsPatchAgentBody(providerAgentId, spec);
      if (problems.length)
        throw invalid(`KaiCalls cannot apply this agent update: ${problems.map((p) => p.message).join(' ')}`, problems);
      const agent = toVendorAgent(await client.updateAgent(body));
      return { ...agent, providerAgentId: agent.providerAgentId || providerAgentId, name: agent.name || spec.name };
    },

    async deleteAgent() {
      throw new CapabilityUnsupportedError('kaicalls', 'deleteAgent');
    },

    async listNumbers() {
      const body = (await client.listNumbers()) as { numbers?: unknown; number?: unknown } | null;
      // The SDK's type suggests `number` for a single match.
      const rows = Array.isArray(body?.numbers) ? body.numbers : body?.number ? [body.number] : [];
      return rows.map(toVendorNumber);
    },

    // KaiCalls' proof is a path token, not a timestamped signature, so `now` plays no part.
    verifyWebhook(request, secret) {
      return verifyKaiCallsWebhook(request, secret);
    },

    parseWebhook(request) {
      return parseKaiCallsWebhook(request);
    },

    // The URL travels with every `createCall` (`webhook_url`); there is nothing to register.
    async registerWebhooks() {
      throw new CapabilityUnsupportedError('kaicalls', 'registerWebhooks');
    },
  };
  return Object.freeze(adapter);
};
