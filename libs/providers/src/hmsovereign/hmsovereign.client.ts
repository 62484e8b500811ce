import type { AdapterContext, HttpRequest, HttpResponse } from '@switchboard/core';
import { vendorRequest } from '../common';
import { mapHmsSovereignError } from './hmsovereign.errors';
import type {
  HmsSovereignAssistant,
  HmsSovereignAssistantBody,
  HmsSovereignCall,
  HmsSovereignCallList,
  HmsSovereignControlBody,
  HmsSovereignCreateCallBody,
  HmsSovereignCreateCallResponse,
  HmsSovereignNumber,
} from './hmsovereign.types';

/** Documented page-size cap of `GET /calls`. */
export const HMS_MAX_PAGE_SIZE = 1000;

export interface HmsSovereignListCallsQuery {
  limit?: number;
  offset?: number;
  status?: string;
  /** ISO 8601. */
  start_date?: string;
  end_date?: string;
}

/**
 * HTTP only: paths, auth and query params of the HMS Sovereign API. `context.baseUrl`
 * includes `/api/v1` (as the SDK's default `https://api.hmsovereign.com/api/v1` does).
 */
export function createHmsSovereignClient(context: AdapterContext) {
  const send = (request: HttpRequest, idempotent: boolean): Promise<HttpResponse> => {
    const apiKey = context.credentials.api_key;
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}`, ...request.headers };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    return vendorRequest(
      context,
      'hmsovereign',
      { ...request, headers },
      // A 400 to a control command naming no field means the call is not in a state that accepts it.
      (response, now) =>
        mapHmsSovereignError(response, now, [apiKey], { controlRequest: /\/control$/.test(request.url) }),
      { idempotent },
    );
  };

  return {
    async createCall(body: HmsSovereignCreateCallBody): Promise<HmsSovereignCreateCallResponse> {
      // Not idempotent: no idempotency key exists, and a repeated POST is a second phone call.
      return asRecord(
        (await send({ method: 'POST', url: '/calls/outbound', operation: 'create_call', body }, false)).body,
      );
    },

    async getCall(id: string): Promise<HmsSovereignCall> {
      // Bare call object, no wrapper (SDK).
      return asRecord((await send({ method: 'GET', url: `/calls/${callPath(id)}` }, true)).body);
    },

    async listCalls(query: HmsSovereignListCallsQuery): Promise<HmsSovereignCallList> {
      return asRecord((await send({ method: 'GET', url: '/calls', query: { ...query } }, true)).body);
    },

    async controlCall(id: string, body: HmsSovereignControlBody): Promise<void> {
      // Acting POST (hang up, speak, transfer): never repeated blindly.
      await send({ method: 'POST', url: `/calls/${callPath(id)}/control`, operation: 'control', body }, false);
    },

    async listAssistants(): Promise<HmsSovereignAssistant[]> {
      const body = asRecord<{ assistants?: unknown }>((await send({ method: 'GET', url: '/assistants' }, true)).body);
      return Array.isArray(body.assistants) ? (body.assistants as HmsSovereignAssistant[]) : [];
    },

    async createAssistant(assistant: HmsSovereignAssistantBody): Promise<HmsSovereignAssistant> {
      // Not idempotent: a retried create would leave an orphaned duplicate assistant at the vendor.
      const response = await send(
        { method: 'POST', url: '/assistants', operation: 'create_agent', body: assistant },
        false,
      );
      return unwrap(response.body, 'assistant');
    },

    async updateAssistant(id: string, assistant: HmsSovereignAssistantBody): Promise<HmsSovereignAssistant> {
      const response = await send(
        { method: 'PATCH', url: `/assistants/${encodeURIComponent(id)}`, operation: 'update_agent', body: assistant },
        true,
      );
      return unwrap(response.body, 'assistant');
    },

    async deleteAssistant(id: string): Promise<void> {
      // Deleting twice ends in a 404, never in a second effect, so a retry is safe.
      await send({ method: 'DELETE', url: `/assistants/${encodeURIComponent(id)}` }, true);
    },

    async listNumbers(): Promise<HmsSovereignNumber[]> {
      const body = asRecord<{ numbers?: unknown }>((await send({ method: 'GET', url: '/numbers' }, true)).body);
      return Array.isArray(body.numbers) ? (body.numbers as HmsSovereignNumber[]) : [];
    },
  };
}

export type HmsSovereignClient = ReturnType<typeof createHmsSovereignClient>;

/**
 * List ids embed the caller number (`call-_+31612345678_abc123`). The SDK sends ids raw;
 * `+` is legal in a path, so keep it and encode only what would break the path.
 */
function callPath(id: string): string {
  return encodeURIComponent(id).replace(/%2B/gi, '+');
}

/** One assistant comes wrapped (`{ "assistant": {…} }`); accept a bare object too. */
function unwrap<T>(body: unknown, key: string): T {
  const record = asRecord<Record<string, unknown>>(body);
  return (typeof record[key] === 'object' && record[key] !== null ? record[key] : record) as T;
}

function asRecord<T = Record<string, unknown>>(body: unknown): T {
  return (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as T;
}
