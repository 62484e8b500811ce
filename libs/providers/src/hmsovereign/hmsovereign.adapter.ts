import type {
  AdapterFactory,
  AgentSpec,
  ControlInput,
  CreateCallInput,
  ListProviderCallsQuery,
  ProviderAdapter,
  ProviderCall,
} from '@switchboard/core';
import { CapabilityUnsupportedError, ProviderError, ValidationFailedError } from '@switchboard/core';
import { HmsSovereignCapabilities } from './hmsovereign.capabilities';
import { createHmsSovereignClient, HMS_MAX_PAGE_SIZE } from './hmsovereign.client';
import {
  fromHmsSovereignAssistant,
  fromHmsSovereignCall,
  fromHmsSovereignCreateResponse,
  fromHmsSovereignNumber,
  toHmsSovereignAssistantBody,
  toHmsSovereignControlBody,
  toHmsSovereignCreateBody,
} from './hmsovereign.mappers';
import type { HmsSovereignCall } from './hmsovereign.types';
import { parseHmsSovereignWebhook, verifyHmsSovereignWebhook } from './hmsovereign.webhooks';

const PROVIDER = 'hmsovereign';
/** Bound on pages read by one listCalls, so a huge account cannot stall a reconciler. */
const MAX_PAGES = 10;
const DEFAULT_LIST_LIMIT = 100;

export const createHmsSovereignAdapter: AdapterFactory = (context) => {
  const client = createHmsSovereignClient(context);

  /**
   * The vendor takes a caller *number id*, not a number. The connection default needs no
   * lookup; another `from` is looked up among the account's numbers.
   */
  async function numberIdFor(input: CreateCallInput): Promise<string | undefined> {
    if (!input.from || input.from === context.defaults.from) return context.defaults.number_id;
    const match = (await client.listNumbers()).find((n) => n.phone_number === input.from);
    if (match?.id) return match.id;
    throw new ProviderError({
      provider: PROVIDER,
      kind: 'invalid_request',
      message: `HMS Sovereign has no number ${input.from} on this account.`,
      fieldErrors: [{ field: 'from', message: 'not a number of this HMS Sovereign account' }],
    });
  }

  /** One `GET /calls` page; `start_date` makes the vendor filter on `created_at` itself. */
  async function readPage(offset: number, limit: number, createdAfter: Date | undefined): Promise<HmsPage> {
    const result = await client.listCalls({ limit, offset, start_date: createdAfter?.toISOString() });
    const rows = Array.isArray(result.calls) ? result.calls : [];
    const total = result.pagination?.total;
    // The vendor caps `limit` rather than rejecting it; its echo says what a full page holds.
    const served = result.pagination?.limit;
    return {
      rows,
      total: typeof total === 'number' ? total : undefined,
      pageSize: typeof served === 'number' && served > 0 ? Math.min(served, limit) : limit,
    };
  }

  /**
   * The list order is not documented, so read the first page, tell the order from its
   * timestamps, and then read either onwards (newest first) or the tail (oldest first).
   */
  async function recentRows(createdAfter: Date | undefined, want: number): Promise<HmsSovereignCall[]> {
    const pageSize = Math.min(HMS_MAX_PAGE_SIZE, Math.max(want, DEFAULT_LIST_LIMIT));
    const readFrom = async (offset: number, needed: number, pagesLeft: number): Promise<HmsSovereignCall[]> => {
      const rows: HmsSovereignCall[] = [];
      for (let page = 0; page < pagesLeft && rows.length < needed; page++) {
        const { rows: calls, total } = await readPage(offset + rows.length, pageSize, createdAfter);
        rows.push(...calls);
        if (calls.length === 0 || (total !== undefined && offset + rows.length >= total)) break;
      }
      return rows;
    };
    const first = await readPage(0, pageSize, createdAfter);
    const rows = first.rows;
    const total = first.total ?? rows.length;
    if (rows.length === 0 || rows.length >= total) return rows;
    if (isNewestFirst(rows)) return rows.concat(await readFrom(rows.length, want - rows.length, MAX_PAGES - 1));
    const tailStart = Math.max(rows.length, total - want);
    return rows.concat(await readFrom(tailStart, total - tailStart, MAX_PAGES - 1));
  }

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    provider: PROVIDER,
    capabilities: HmsSovereignCapabilities,

    async createCall(input) {
      if (/^sips?:/i.test(input.to)) throw new CapabilityUnsupportedError(PROVIDER, 'sipDestinations');
      const numberId = await numberIdFor(input);
      const { body, warnings } = toHmsSovereignCreateBody(input, numberId);
      const response = await client.createCall(body);
      if (!response.call_id) {
        // A 2xx without an id: the vendor may be dialing, so this must be looked up, not redialled.
        throw new ProviderError({
          provider: PROVIDER,
          kind: 'ambiguous',
          message: 'HMS Sovereign accepted the call but returned no call_id; the outcome is unknown.',
        });
      }
      return {
        call: fromHmsSovereignCreateResponse(response, input, input.from ?? context.defaults.from ?? null),
        warnings,
      };
    },

    async getCall(providerCallId) {
      const call = fromHmsSovereignCall(await client.getCall(providerCallId));
      return call.providerCallId ? call : { ...call, providerCallId };
    },

    async listCalls(query: ListProviderCallsQuery): Promise<ProviderCall[]> {
      const want = Math.max(1, Math.min(query.limit ?? DEFAULT_LIST_LIMIT, HMS_MAX_PAGE_SIZE));
      return (await recentRows(query.createdAfter, want))
        .map(fromHmsSovereignCall)
        .filter((c) => !olderThan(c, query.createdAfter))
        .sort(newestFirst)
        .slice(0, want);
    },

    async *listCallHistory(query: { createdAfter?: Date }): AsyncIterable<ProviderCall[]> {
      const { createdAfter } = query;
      // The list appears to be newest first, so calls arriving mid-read shift the offsets and
      // a call can reappear on the next page; it is yielded once. A page with nothing new
      // means the vendor ignored the offset and would repeat itself forever.
      const seen = new Set<string>();
      let offset = 0;
      for (;;) {
        const { rows, total, pageSize } = await readPage(offset, HMS_MAX_PAGE_SIZE, createdAfter);
        if (rows.length === 0) return;
        const calls = rows.map(fromHmsSovereignCall);
        // A row without an id could never be matched or imported, so it is not history.
        const fresh = calls.filter((c) => c.providerCallId !== '' && !seen.has(c.providerCallId));
        if (fresh.length === 0) return;
        for (const c of fresh) seen.add(c.providerCallId);
        const page = fresh.filter((c) => !olderThan(c, createdAfter));
        if (page.length > 0) yield page;
        offset += rows.length;
        // The list order is undocumented, so a page wholly older than `createdAfter` proves
        // nothing about the next one; only the vendor's count (or a short page) ends the read.
        if (total !== undefined ? offset >= total : rows.length < pageSize) return;
      }
    },

    async cancelCall(providerCallId) {
      // Only `in-progress` calls accept commands; earlier the vendor answers 400 → `conflict`.
      await client.controlCall(providerCallId, { type: 'end-call' });
    },

    async deleteCall() {
      throw new CapabilityUnsupportedError(PROVIDER, 'deleteCall');
    },

    async controlCall(providerCallId, input: ControlInput) {
      if (!(HmsSovereignCapabilities.control as readonly string[]).includes(input.action)) {
        throw new CapabilityUnsupportedError(PROVIDER, `control.${input.action}`);
      }
      const body = toHmsSovereignControlBody(input);
      if (!body) {
        const field = input.action === 'transfer' ? 'to' : 'text';
        throw new ValidationFailedError([{ field, message: `required for action '${input.action}'` }]);
      }
      await client.controlCall(providerCallId, body);
    },

    async listAgents() {
      return (await client.listAssistants()).map(fromHmsSovereignAssistant);
    },

    async createAgent(spec: AgentSpec) {
      return fromHmsSovereignAssistant(await client.createAssistant(toHmsSovereignAssistantBody(spec)));
    },

    async updateAgent(providerAgentId, spec: AgentSpec) {
      const agent = fromHmsSovereignAssistant(
        await client.updateAssistant(providerAgentId, toHmsSovereignAssistantBody(spec)),
      );
      return agent.providerAgentId ? agent : { ...agent, providerAgentId };
    },

    async deleteAgent(providerAgentId) {
      await client.deleteAssistant(providerAgentId);
    },

    async listNumbers() {
      return (await client.listNumbers()).map(fromHmsSovereignNumber);
    },

    verifyWebhook: verifyHmsSovereignWebhook,

    parseWebhook: parseHmsSovereignWebhook,

    async registerWebhooks() {
      // The URL and secret ride on every create (`assistant_override`); see the capabilities.
      throw new CapabilityUnsupportedError(PROVIDER, 'registerWebhooks');
    },
  };
  return Object.freeze(adapter);
};

interface HmsPage {
  rows: HmsSovereignCall[];
  /** The vendor's count of all matching calls, when it sends one. */
  total: number | undefined;
  /** How many rows a full page holds, as the vendor served it. */
  pageSize: number;
}

/** A call without a timestamp is kept: it cannot be shown to be older. */
function olderThan(call: ProviderCall, createdAfter: Date | undefined): boolean {
  return createdAfter !== undefined && call.createdAt !== null && Date.parse(call.createdAt) < createdAfter.getTime();
}

function isNewestFirst(rows: HmsSovereignCall[]): boolean {
  const times = rows.map((r) => Date.parse(r.created_at ?? '')).filter((t) => !Number.isNaN(t));
  return times.length < 2 || times[0] >= times[times.length - 1];
}

function newestFirst(a: ProviderCall, b: ProviderCall): number {
  return (b.createdAt ? Date.parse(b.createdAt) : -Infinity) - (a.createdAt ? Date.parse(a.createdAt) : -Infinity) || 0;
}
