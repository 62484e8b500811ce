import type { AdapterContext, HttpRequest } from '@switchboard/core';
import { vendorRequest } from '../common';
import { mapKalemError } from './kalem.errors';
import type { KalemCall, KalemCreateCallBody } from './kalem.mappers';

/** Kalem's documented page-size cap for `GET /calls`. */
export const KALEM_MAX_PER_PAGE = 100;

export interface KalemListQuery {
  date_from?: string;
  per_page?: number;
  page?: number;
}

/** The undocumented list envelope, assumed to be Laravel's paginator (notes, "Pagination"). */
interface KalemPage {
  data: KalemCall[];
  next: boolean;
}

/** HTTP only: paths, auth, query params and the list pagination loop. */
export function createKalemClient(context: AdapterContext) {
  const apiKey = context.credentials.api_key;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${apiKey}`,
    // Laravel answers errors as an HTML redirect unless JSON is asked for.
    Accept: 'application/json',
  };
  const mapError = (response: Parameters<typeof mapKalemError>[0], now: Date) => mapKalemError(response, now, [apiKey]);
  const send = (request: HttpRequest, idempotent: boolean) =>
    vendorRequest(context, 'kalem', { ...request, headers: { ...headers, ...request.headers } }, mapError, {
      idempotent,
    });

  async function listPage(query: KalemListQuery): Promise<KalemPage> {
    const res = await send({ method: 'GET', url: '/calls', query: { ...query } }, true);
    return readPage(res.body);
  }

  /**
   * Kalem's page-numbered list, one request per page, newest first, until the paginator says
   * there is no next page. Calls already yielded are dropped: a call created mid-walk pushes
   * older ones one slot down, so a page can repeat the tail of the one before. A page with
   * nothing new ends the walk, so a vendor that ignores `page` cannot loop forever.
   */
  async function* pages(query: { date_from?: string; per_page: number }): AsyncGenerator<KalemCall[]> {
    const seen = new Set<string>();
    for (let page = 1; ; page += 1) {
      const result = await listPage({ ...query, page });
      const fresh = result.data.filter((call) => {
        const id = String(call.call_id);
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length === 0) return;
      yield fresh;
      if (!result.next) return;
    }
  }

  return Object.freeze({
    /** `POST /calls`. Not idempotent: a resend is a second phone call. */
    async createCall(body: KalemCreateCallBody): Promise<KalemCall> {
      const res = await send(
        {
          method: 'POST',
          url: '/calls',
          operation: 'create_call',
          headers: { 'Content-Type': 'application/json' },
          body,
        },
        false,
      );
      const data = (res.body as { data?: KalemCall | KalemCall[] } | null)?.data;
      // A string `to_number` yields an object; an array (never sent by us) would yield a list.
      return (Array.isArray(data) ? data[0] : data) as KalemCall;
    },

    async getCall(callId: string): Promise<KalemCall> {
      const res = await send({ method: 'GET', url: `/calls/${encodeURIComponent(callId)}` }, true);
      return (res.body as { data: KalemCall }).data;
    },

    /** `DELETE /calls/{id}`: removes a finished call's record (live calls are refused). */
    async deleteCall(callId: string): Promise<void> {
      await send({ method: 'DELETE', url: `/calls/${encodeURIComponent(callId)}` }, true);
    },

    listPage,
    pages,

    /** Walks pages until `limit` calls are collected or the list ends. */
    async listCalls(query: { date_from?: string; limit: number }): Promise<KalemCall[]> {
      if (query.limit <= 0) return [];
      const calls: KalemCall[] = [];
      // Each page costs one request of a 60/min budget; never walk further than needed.
      for await (const page of pages({
        date_from: query.date_from,
        per_page: Math.min(query.limit, KALEM_MAX_PER_PAGE),
      })) {
        calls.push(...page);
        if (calls.length >= query.limit) break;
      }
      return calls.slice(0, query.limit);
    },
  });
}

export type KalemClient = ReturnType<typeof createKalemClient>;

function readPage(body: unknown): KalemPage {
  // Tolerate a bare array in case the real envelope differs from the assumed paginator.
  if (Array.isArray(body)) return { data: body as KalemCall[], next: false };
  const page = (body ?? {}) as {
    data?: unknown;
    links?: { next?: string | null };
    meta?: { current_page?: number; last_page?: number };
  };
  const data = Array.isArray(page.data) ? (page.data as KalemCall[]) : [];
  const byLinks = typeof page.links?.next === 'string' && page.links.next !== '';
  const byMeta =
    typeof page.meta?.current_page === 'number' && typeof page.meta?.last_page === 'number'
      ? page.meta.current_page < page.meta.last_page
      : false;
  return { data, next: byLinks || byMeta };
}
