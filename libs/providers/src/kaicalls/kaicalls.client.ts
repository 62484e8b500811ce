import { AdapterContext, HttpRequest, HttpResponse } from '@switchboard/core';
import { vendorRequest, VendorErrorMapper } from '../common';
import { mapKaiCallsAgentError, mapKaiCallsError } from './kaicalls.errors';

type KaiCallsErrorMapper = typeof mapKaiCallsError;
import { KaiCallsCall, KaiCallsCreateAgentBody, KaiCallsCreateCallBody, KaiCallsPatchAgentBody } from './kaicalls.types';

/** The newer docs' and the SDK's host; the apex host may redirect, and a redirected POST can turn into a GET. */
export const KAICALLS_DEFAULT_BASE_URL = 'https://www.kaicalls.com/api/v1';

/** Documented page maximum of `GET /calls`. */
export const KAICALLS_MAX_PAGE = 100;
/** Documented maximum of `GET /usage`. */
const USAGE_MAX_PAGE = 500;
/** A safety stop for cursor loops (100 pages = 10,000 calls). */
const MAX_PAGES = 100;

export interface ListCallsSince {
  createdAfter?: Date;
  limit: number;
}

/**
 * KaiCalls over HTTP, nothing else: paths, auth, query parameters and the cursor loop.
 * Returns parsed bodies; mapping happens in the adapter.
 */
export function createKaiCallsClient(context: AdapterContext) {
  // The SDK's base is the origin (it appends /api/v1), the docs' base includes /api/v1: take both.
  const prefix = /\/api\/v1\/?$/.test(context.baseUrl) ? '' : '/api/v1';
  const headers = { Authorization: `Bearer ${context.credentials.api_key}` };

  async function send(request: Omit<HttpRequest, 'headers'>, idempotent = true, mapError: KaiCallsErrorMapper = mapKaiCallsError): Promise<HttpResponse> {
    // The connection's own key is scrubbed from error text whatever its format.
    const withSecrets: VendorErrorMapper = (response, now) => mapError(response, now, [context.credentials.api_key]);
    return vendorRequest(context, 'kaicalls', { ...request, url: `${prefix}${request.url}`, headers }, withSecrets, { idempotent });
  }

  async function listCallsPage(query: { limit: number; after?: string }): Promise<unknown> {
    return (await send({ method: 'GET', url: '/calls', query: { limit: query.limit, after: query.after } })).body;
  }

  return {
    /** Not idempotent: a repeated POST is a second real phone call. */
    async createCall(body: KaiCallsCreateCallBody): Promise<unknown> {
      return (await send({ method: 'POST', url: '/calls', body }, false)).body;
    },

    /** Single reads use `?id=`, not a path segment. */
    async getCall(id: string): Promise<unknown> {
      return (await send({ method: 'GET', url: '/calls', query: { id } })).body;
    },

    listCallsPage,

    /**
     * Newest-first rows down to `createdAfter`, following the `after=<created_at>` cursor.
     * With a `created_at` cursor, rows sharing the boundary timestamp may be skipped or
     * repeated; repeats are dropped, and the loop stops rather than spin if the cursor stalls.
     */
    async listCallsSince({ createdAfter, limit }: ListCallsSince): Promise<KaiCallsCall[]> {
      const rows: KaiCallsCall[] = [];
      const seen = new Set<string>();
      const floor = createdAfter?.getTime() ?? -Infinity;
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES && rows.length < limit; page++) {
        const body = (await listCallsPage({ limit: Math.min(KAICALLS_MAX_PAGE, limit - rows.length), after })) as {
          calls?: unknown;
          has_more?: unknown;
        };
        const calls = Array.isArray(body?.calls) ? (body.calls as KaiCallsCall[]) : [];
        for (const call of calls) {
          const created = Date.parse(String(call?.created_at));
          if (created < floor) return rows;
          const id = String(call?.id);
          if (rows.length < limit && !seen.has(id)) rows.push(call);
          seen.add(id);
        }
        const last = calls.at(-1)?.created_at;
        if (body?.has_more !== true || typeof last !== 'string' || last === after) break;
        after = last;
      }
      return rows;
    },

    /** The API request log, the only place costs (`cost_cents`) appear. */
    async listUsage(query: { start: string; end: string }): Promise<unknown> {
      return (await send({ method: 'GET', url: '/usage', query: { ...query, limit: USAGE_MAX_PAGE } })).body;
    },

    /** `{ businesses: [{ business_id, … }] }`: the businesses this key may act for. */
    async getBalance(): Promise<unknown> {
      return (await send({ method: 'GET', url: '/balance' })).body;
    },

    async listAgents(): Promise<unknown> {
      return (await send({ method: 'GET', url: '/agents' })).body;
    },

    /** Not idempotent: a repeated POST creates a second agent (and Vapi assistant). */
    async createAgent(body: KaiCallsCreateAgentBody): Promise<unknown> {
      return (await send({ method: 'POST', url: '/agents', body }, false, mapKaiCallsAgentError)).body;
    },

    /** PATCH with `id` in the body; the same patch twice leaves the same agent. */
    async updateAgent(body: KaiCallsPatchAgentBody): Promise<unknown> {
      return (await send({ method: 'PATCH', url: '/agents', body }, true, mapKaiCallsAgentError)).body;
    },

    /**
     * ⚖ The SDK reads `/phone-numbers`, the seed documents `/numbers`; the SDK's path is
     * tried first and the seed's only when the first does not exist (404).
     */
    async listNumbers(): Promise<unknown> {
      try {
        return (await send({ method: 'GET', url: '/phone-numbers' })).body;
      } catch (e) {
        if ((e as { kind?: string }).kind !== 'not_found') throw e;
        return (await send({ method: 'GET', url: '/numbers' })).body;
      }
    },
  };
}

export type KaiCallsClient = ReturnType<typeof createKaiCallsClient>;
