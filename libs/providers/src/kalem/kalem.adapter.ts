import type {
  AdapterFactory,
  AgentSpec,
  ControlInput,
  CreateCallInput,
  CreateCallResult,
  InboundWebhookRequest,
  ListProviderCallsQuery,
  ParsedWebhook,
  ProviderAdapter,
  ProviderCall,
  VendorAgent,
  VendorNumber,
  WebhookRegistration,
  WebhookVerification,
} from '@switchboard/core';
import { CapabilityUnsupportedError, ProviderError } from '@switchboard/core';
import { KalemCapabilities } from './kalem.capabilities';
import { createKalemClient, KALEM_MAX_PER_PAGE } from './kalem.client';
import { mapKalemCall, toKalemCreateBody } from './kalem.mappers';
import { parseKalemWebhook, toKalemWebhookFields, verifyKalemWebhook } from './kalem.webhooks';

const DEFAULT_LIST_LIMIT = 50;

/** One immutable Kalem adapter per connection; everything it needs comes in `context`. */
export const createKalemAdapter: AdapterFactory = (context) => {
  const client = createKalemClient(context);
  const unsupported = (capability: string) => Promise.reject(new CapabilityUnsupportedError('kalem', capability));

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    provider: 'kalem',
    capabilities: KalemCapabilities,

    async createCall(input: CreateCallInput): Promise<CreateCallResult> {
      const { body, warnings } = toKalemCreateBody(input, context.defaults);
      // Kalem takes webhook targets only per call; without them it would use the agent's own.
      const created = await client.createCall(
        input.webhook ? { ...body, ...toKalemWebhookFields(input.webhook) } : body,
      );
      if (!created || typeof created.call_id !== 'string') {
        // ⚖ A 2xx without a call id: Kalem most likely dialed, but the call cannot be
        // addressed, so it is treated like a lost answer and left to the reconciler.
        throw new ProviderError({
          provider: 'kalem',
          kind: 'ambiguous',
          message: 'Kalem accepted the call without returning a call_id.',
        });
      }
      return { call: mapKalemCall(created, { providerAgentId: input.providerAgentId }), warnings };
    },

    async getCall(providerCallId: string): Promise<ProviderCall> {
      return mapKalemCall(await client.getCall(providerCallId));
    },

    async listCalls(query: ListProviderCallsQuery): Promise<ProviderCall[]> {
      const calls = await client.listCalls({
        date_from: dateFrom(query.createdAfter),
        limit: query.limit ?? DEFAULT_LIST_LIMIT,
      });
      // ⚖ Kalem's call object has no creation time to sort on; the vendor's own order
      // (newest first, Laravel `latest()`) is kept as is.
      return calls.map((call) => mapKalemCall(call));
    },

    async *listCallHistory(query: { createdAfter?: Date }): AsyncIterable<ProviderCall[]> {
      // Kalem filters by creation time itself (`date_from`); its call object carries no
      // creation time, so there is nothing to filter on client-side anyway.
      for await (const page of client.pages({ date_from: dateFrom(query.createdAfter), per_page: KALEM_MAX_PER_PAGE }))
        yield page.map((call) => mapKalemCall(call));
    },

    cancelCall(): Promise<void> {
      // Kalem has no hang-up endpoint; DELETE only removes finished records.
      return unsupported('cancelCall');
    },

    async deleteCall(providerCallId: string): Promise<void> {
      await client.deleteCall(providerCallId);
    },

    controlCall(_providerCallId: string, _input: ControlInput): Promise<void> {
      return unsupported('control');
    },

    listAgents(): Promise<VendorAgent[]> {
      return unsupported('listAgents');
    },

    createAgent(_spec: AgentSpec): Promise<VendorAgent> {
      return unsupported('createAgent');
    },

    updateAgent(_providerAgentId: string, _spec: AgentSpec): Promise<VendorAgent> {
      return unsupported('updateAgent');
    },

    deleteAgent(_providerAgentId: string): Promise<void> {
      return unsupported('deleteAgent');
    },

    listNumbers(): Promise<VendorNumber[]> {
      return unsupported('listNumbers');
    },

    verifyWebhook(request: InboundWebhookRequest, secret: string): WebhookVerification {
      // No timestamp to bound: Kalem sends none in its headers.
      return verifyKalemWebhook(request, secret);
    },

    parseWebhook(request: InboundWebhookRequest): ParsedWebhook {
      return parseKalemWebhook(request);
    },

    registerWebhooks(): Promise<WebhookRegistration> {
      // Per call: createCall carries the target on every create.
      return unsupported('registerWebhooks');
    },
  };
  return Object.freeze(adapter);
};

// Kalem stores whole-second timestamps: a bound with milliseconds could exclude a call
// created in the same second, so the bound is rounded down (at worst a few calls of that
// second come back too, which every caller tolerates).
function dateFrom(date: Date | undefined): string | undefined {
  return date ? new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z') : undefined;
}
