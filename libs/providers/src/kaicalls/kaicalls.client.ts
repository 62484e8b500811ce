import type { AdapterContext, HttpRequest, HttpResponse } from '@switchboard/core';
import type { VendorErrorMapper } from '../common';
import { vendorRequest } from '../common';
import { mapKaiCallsAgentError, mapKaiCallsError } from './kaicalls.errors';

type KaiCallsErrorMapper = typeof mapKaiCallsError;
import type {
  KaiCallsCall,
  KaiCallsCreateAgentBody,
  KaiCallsCreateCallBody,
  KaiCallsPatchAgentBody,
} from './kaicalls.types';

/** The newer docs' and the SDK's host; the apex host may redirect, and a redirected POST can turn into a GET. */
export const KAICALLS_DEFAULT_BASE_URL = 'https://www.kaicalls.com/api/v1';

/** Documented page maximum of `GET /calls`. */
export const KAICALLS_MAX_PAGE = 100;
/** Documented maximum of `GET /usage`. */
const USAGE_MAX_PAGE = 500;
/** A safety stop for bounded reads (100 pages = 10,000 calls); history walks are bounded by the cursor. */
const MAX_PAGES = 100;

export interface ListCallsSince {
  createdAfter?: Date;
  limit: number;
}

export interface CallPagesQuery {
  createdAfter?: Date;
  /** Asked before every request, so a bounded read can shrink its last page. */
  pageSize: () => number;
  maxPages?: number;
}

/** NaN for a row without a readable `created_at`: it never counts as older than the floor. */
function createdMs(call: KaiCallsCall | undefined): number {
  return Date.parse(String(call?.created_at));
}

/**
 * KaiCalls over HTTP, nothing else: paths, auth, query parameters and the cursor loop.
 * Returns parsed bodies; mapping happens in the adapter.
 */
export function createKaiCallsClient(context: AdapterContext) {
  // The SDK's base is the origin (it appends /api/v1), the docs' base includes /api/v1: take both.
  const prefix = /\/api\/v1\/?$/.test(context.baseUrl) ? '' : '/api/v1';
  const headers = { Authorization: `Bearer ${context.credentials.api_key}` };

  async function send(
    request: Omit<HttpRequest, 'headers'>,
    idempotent = true,
    mapError: KaiCallsErrorMapper = mapKaiCallsError,
  ): Promise<HttpResponse> {
    // The connection's own key is scrubbed from error text whatever its format.
    const withSecrets: VendorErrorMapper = (response, now) => mapError(response, now, [context.credentials.api_key]);
    return vendorRequest(context, 'kaicalls', { ...request, url: `${prefix}${request.url}`, headers }, withSecrets, {
      idempotent,
    });
  }

  async function listCallsPage(query: { limit: number; after?: string }): Promise<unknown> {
    return (await send({ method: 'GET', url: '/calls', query: { limit: query.limit, after: query.after } })).body;
  }

  /**
   * `GET /calls` page by page, newest first, following the `after=<created_at>` cursor until
   * `has_more` is false, a page is empty, or a row is older than `createdAfter` (KaiCalls has
   * no creation filter, so the floor is applied here). Yields the rows of each page that are
   * new; a page with none is skipped. With a `created_at` cursor, rows sharing the boundary
   * timestamp may be skipped or repeated by the vendor: repeats are dropped, and the walk
   * stops unless the cursor moves strictly back in time, so it can never spin on one page.
   */
  async function* callPages({
    createdAfter,
    pageSize,
    maxPages = Infinity,
  }: CallPagesQuery): AsyncGenerator<KaiCallsCall[]> {
    const floor = createdAfter?.getTime() ?? -Infinity;
    let after: string | undefined;
    let cursorMs = Infinity;
    // Ids of the previous page's rows stamped exactly at the cursor: the only rows it may repeat.
    let boundary = new Set<string>();
    for (let page = 0; page < maxPages; page++) {
      const body = (await listCallsPage({ limit: pageSize(), after })) as {
        calls?: unknown;
        has_more?: unknown;
      } | null;
      const calls = Array.isArray(body?.calls) ? (body.calls as KaiCallsCall[]) : [];
      const tooOld = calls.findIndex((call) => createdMs(call) < floor);
      const fresh = (tooOld === -1 ? calls : calls.slice(0, tooOld)).filter((call) => {
        const created = createdMs(call);
        // Newer than the cursor means the vendor answered an earlier page again.
        return !(created > cursorMs || (created === cursorMs && boundary.has(String(call?.id))));
      });
      if (fresh.length) yield fresh;
      if (tooOld !== -1 || body?.has_more !== true || !calls.length) return;
      const last = calls.at(-1)?.created_at;
      const lastMs = typeof last === 'string' ? Date.parse(last) : NaN;
      if (typeof last !== 'string' || !(lastMs < cursorMs)) return;
      boundary = new Set(calls.filter((call) => createdMs(call) === lastMs).map((call) => String(call?.id)));
      after = last;
      cursorMs = lastMs;
    }
  }

  return {
    /** Not idempotent: a repeated POST is a second real phone call. */
    async createCall(body: KaiCallsCreateCallBody): Promise<unknown> {
      return (await send({ method: 'POST', url: '/calls', operation: 'create_call', body }, false)).body;
    },

    /** Single reads use `?id=`, not a path segment. */
    async getCall(id: string): Promise<unknown> {
      return (await send({ method: 'GET', url: '/calls', query: { id } })).body;
    },

    listCallsPage,
    callPages,

    /** Newest-first rows down to `createdAfter`, at most `limit` of them. */
    async listCallsSince({ createdAfter, limit }: ListCallsSince): Promise<KaiCallsCall[]> {
      const rows: KaiCallsCall[] = [];
      const pageSize = () => Math.min(KAICALLS_MAX_PAGE, limit - rows.length);
      for await (const page of callPages({ createdAfter, pageSize, maxPages: MAX_PAGES })) {
        rows.push(...page.slice(0, limit - rows.length));
        if (rows.length >= limit) break;
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
      return (
        await send({ method: 'POST', url: '/agents', operation: 'create_agent', body }, false, mapKaiCallsAgentError)
      ).body;
    },

    /** PATCH with `id` in the body; the same patch twice leaves the same agent. */
    async updateAgent(body: KaiCallsPatchAgentBody): Promise<unknown> {
      return (
        await send({ method: 'PATCH', url: '/agents', operation: 'update_agent', body }, true, mapKaiCallsAgentError)
      ).body;
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
