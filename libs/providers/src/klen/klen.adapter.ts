import type {
  AdapterFactory,
  CreateCallInput,
  CreateCallResult,
  ListProviderCallsQuery,
  ProviderAdapter,
  ProviderCall,
  WebhookRegistration,
  WebhookTarget,
} from '@switchboard/core';
import { CapabilityUnsupportedError, ProviderError } from '@switchboard/core';
import { KlenCapabilities } from './klen.capabilities';
import type { KlenClient } from './klen.client';
import { createKlenClient, KLEN_MAX_PAGE_SIZE } from './klen.client';
import { mapKlenCall, toKlenCreateBody } from './klen.mappers';
import { KLEN_CALL_EVENTS, parseKlenWebhook, verifyKlenWebhook } from './klen.webhooks';

const DEFAULT_LIST_LIMIT = 50;
/** Shown in Klen's dashboard (API → Webhooks) next to the endpoint. */
const WEBHOOK_NAME = 'Switchboard gateway';
/** Klen allows 60 requests/minute per key; a lookup must not spend them all. */
const MAX_LIST_PAGES = 5;

const unsupported = (capability: string) => async (): Promise<never> => {
  throw new CapabilityUnsupportedError('klen', capability);
};

/**
 * Klen lists carry no creation time, so the bound is checked against the earliest time a
 * list item does carry: `started_at` (≥ creation), else `ended_at`. A call with neither is
 * still queued, hence recent, and is kept. Klen writes whole seconds, so a time stands for
 * anything up to a second later.
 */
function isBefore(call: ProviderCall, bound: Date): boolean {
  const at = call.createdAt ?? call.startedAt ?? call.endedAt;
  return at !== null && Date.parse(at) + 1000 <= bound.getTime();
}

/**
 * Klen's `GET /calls` pages, mapped, from page 1 until `pages` (Klen's own count) is reached
 * or a page is empty, one request per page. Calls created meanwhile push older ones onto the
 * next page, so a call already yielded is dropped when it shows up again; a page with no call
 * not already yielded means Klen is repeating itself (or ignoring `page`), and ends the walk.
 */
async function* klenPages(client: KlenClient, pageSize: number): AsyncGenerator<ProviderCall[]> {
  const seen = new Set<string>();
  for (let page = 1; ; page += 1) {
    const result = await client.listCalls(page, pageSize);
    const calls = result.calls.map((item) => mapKlenCall(item));
    // An item without an id cannot be recognised again: passed on, but it is no progress.
    const unseen = calls.filter((call) => !call.providerCallId || !seen.has(call.providerCallId));
    if (!unseen.some((call) => call.providerCallId)) return;
    for (const call of unseen) if (call.providerCallId) seen.add(call.providerCallId);
    yield unseen;
    if (page >= result.pages) return;
  }
}

export const createKlenAdapter: AdapterFactory = (context) => {
  const client = createKlenClient(context);

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    provider: 'klen',
    capabilities: KlenCapabilities,

    /** `input.webhook` is not sent: Klen takes no per-call webhook; see registerWebhooks. */
    async createCall(input: CreateCallInput): Promise<CreateCallResult> {
      if (input.to.startsWith('sip:')) throw new CapabilityUnsupportedError('klen', 'sipDestinations');
      const { body, warnings } = toKlenCreateBody(input, context.defaults);
      const call = mapKlenCall(await client.createCall(body));
      // A success without an id cannot be followed: treat it like a lost answer, never as placed.
      if (!call.providerCallId)
        throw new ProviderError({
          provider: 'klen',
          kind: 'ambiguous',
          message: 'Klen accepted the call but returned no call id; the outcome is unknown.',
        });
      return { call, warnings };
    },

    async getCall(providerCallId: string): Promise<ProviderCall> {
      const call = mapKlenCall(await client.getCall(providerCallId));
      return call.providerCallId ? call : { ...call, providerCallId };
    },

    /**
     * Newest first, as Klen lists them (⚖ the order is not documented). List items carry
     * neither `variables` nor a creation time, so after an ambiguous create the caller
     * matches on `to` + agent among the calls this returns.
     */
    async listCalls({ createdAfter, limit = DEFAULT_LIST_LIMIT }: ListProviderCallsQuery): Promise<ProviderCall[]> {
      const wanted = Math.max(1, Math.floor(limit));
      const found: ProviderCall[] = [];
      let pagesRead = 0;
      for await (const calls of klenPages(client, Math.min(wanted, KLEN_MAX_PAGE_SIZE))) {
        pagesRead += 1;
        const fresh = createdAfter ? calls.filter((call) => !isBefore(call, createdAfter)) : calls;
        found.push(...fresh);
        // A page with nothing new means the rest, being older, has nothing new either.
        if (found.length >= wanted || fresh.length === 0 || pagesRead >= MAX_LIST_PAGES) break;
      }
      return found.slice(0, wanted);
    },

    /**
     * Klen has no date filter, so `createdAfter` is applied here as listCalls applies it,
     * and the walk ends at the first page with nothing at or after the bound.
     */
    async *listCallHistory({ createdAfter }: { createdAfter?: Date }): AsyncGenerator<ProviderCall[]> {
      for await (const calls of klenPages(client, KLEN_MAX_PAGE_SIZE)) {
        const fresh = createdAfter ? calls.filter((call) => !isBefore(call, createdAfter)) : calls;
        if (fresh.length === 0) return;
        yield fresh;
      }
    },

    cancelCall: unsupported('cancelCall'),
    deleteCall: unsupported('deleteCall'),
    controlCall: unsupported('control'),
    listAgents: unsupported('listAgents'),
    createAgent: unsupported('createAgent'),
    updateAgent: unsupported('updateAgent'),
    deleteAgent: unsupported('deleteAgent'),
    listNumbers: unsupported('listNumbers'),

    verifyWebhook: (request, secret) => verifyKlenWebhook(request, secret),
    parseWebhook: (request) => parseKlenWebhook(request),

    /**
     * One endpoint for every call event. Klen issues the signing secret itself, so the
     * target's secret is not sent; the one Klen answers with is what verifyWebhook needs.
     */
    async registerWebhooks(target: WebhookTarget): Promise<WebhookRegistration> {
      const created = await client.createWebhook({
        name: WEBHOOK_NAME,
        url: target.url,
        subscribed_events: KLEN_CALL_EVENTS,
      });
      const body = (typeof created === 'object' && created !== null ? created : {}) as Record<string, unknown>;
      const secret = typeof body.secret === 'string' ? body.secret : '';
      // The endpoint may now exist and receive events nobody can verify: not a clean failure.
      if (!secret)
        throw new ProviderError({
          provider: 'klen',
          kind: 'unknown',
          message: 'Klen created the webhook endpoint but returned no signing secret.',
        });
      const id = body.id;
      return { secret, providerRegistrationId: typeof id === 'string' || typeof id === 'number' ? String(id) : null };
    },
  };
  return Object.freeze(adapter);
};
