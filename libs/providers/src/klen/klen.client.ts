import type { AdapterContext, HttpRequest, HttpResponse } from '@switchboard/core';
import { vendorRequest } from '../common';
import { mapKlenError } from './klen.errors';
import type { KlenCreateBody } from './klen.mappers';

/** Klen's documented page-size cap for `GET /calls`. */
export const KLEN_MAX_PAGE_SIZE = 100;

export interface KlenWebhookCreateBody {
  name: string;
  url: string;
  subscribed_events: readonly string[];
}

/**
 * Webhook creation is documented outside the versioned API, at `/api/webhooks/create/`
 * (no `/v1`, trailing slash), so its base is the configured `…/api/v1` minus the `/v1`.
 */
export function klenWebhooksBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export interface KlenListPage {
  /** List items as Klen sent them (string call id in `id`). */
  calls: unknown[];
  page: number;
  /** Total pages; 0 when nothing matches. */
  pages: number;
}

/**
 * HTTP only: paths, auth and query parameters of Klen's calls API. Bodies go back raw;
 * the adapter maps them.
 */
export function createKlenClient(context: AdapterContext) {
  const send = (request: HttpRequest, idempotent: boolean, baseUrl = context.baseUrl): Promise<HttpResponse> => {
    const apiKey = context.credentials.api_key;
    // Bearer is Klen's recommended style; `?api_key=` would put the key into logged URLs.
    const headers = { ...(request.headers ?? {}), Authorization: `Bearer ${apiKey}` };
    return vendorRequest(
      { ...context, baseUrl },
      'klen',
      { ...request, headers },
      (response, now) => mapKlenError(response, now, [apiKey]),
      { idempotent },
    );
  };

  return {
    /** Not idempotent: a retried POST is a second real phone call. */
    async createCall(body: KlenCreateBody): Promise<unknown> {
      return (await send({ method: 'POST', url: '/calls', operation: 'create_call', body }, false)).body;
    },

    /** `call_id` may be the string id or the integer DB id; Klen accepts both. */
    async getCall(callId: string): Promise<unknown> {
      return (await send({ method: 'GET', url: `/calls/${encodeURIComponent(callId)}` }, true)).body;
    },

    async listCalls(page: number, limit: number): Promise<KlenListPage> {
      const response = await send(
        { method: 'GET', url: '/calls', query: { page, limit: Math.min(limit, KLEN_MAX_PAGE_SIZE) } },
        true,
      );
      const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<
        string,
        unknown
      >;
      return {
        calls: Array.isArray(body.calls) ? body.calls : [],
        page: typeof body.page === 'number' ? body.page : page,
        pages: typeof body.pages === 'number' ? body.pages : 0,
      };
    },

    /** Not idempotent: a retried create is a second endpoint, and every event would arrive twice. */
    async createWebhook(body: KlenWebhookCreateBody): Promise<unknown> {
      const request: HttpRequest = { method: 'POST', url: '/webhooks/create/', body };
      return (await send(request, false, klenWebhooksBase(context.baseUrl))).body;
    },
  };
}

export type KlenClient = ReturnType<typeof createKlenClient>;
