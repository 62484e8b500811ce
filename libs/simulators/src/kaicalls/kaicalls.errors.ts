import type { FastifyReply } from 'fastify';
import type { VendorFaultResponses } from '../common';

/** Documented `error.code` values (errors page + seed). */
export type KcErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'bad_request'
  | 'vapi_error'
  | 'call_failed'
  | 'internal_error'
  | 'rate_limited'
  | 'number_on_dnc'
  | 'tcpa_violation';

/** KaiCalls' nested envelope: `{ "error": { "code", "message" } }`, on every error. */
export function errorBody(code: KcErrorCode, message: string) {
  return { error: { code, message } };
}

export function sendError(reply: FastifyReply, status: number, code: KcErrorCode, message: string): FastifyReply {
  return reply.code(status).send(errorBody(code, message));
}

/** 429 with `Retry-After` (seconds) only: no X-RateLimit-* headers are documented. */
export function sendRateLimited(reply: FastifyReply, retryAfterSeconds: number, message: string): FastifyReply {
  return reply.code(429).header('Retry-After', String(retryAfterSeconds)).send(errorBody('rate_limited', message));
}

/**
 * The code KaiCalls would put on an error of this status for this route. A 500 on create is
 * `call_failed` (Vapi could not start the call); other 5xx on calls/agents writes are `vapi_error`.
 */
export function codeForStatus(status: number, method: string, path: string): KcErrorCode {
  const byStatus: Record<number, KcErrorCode> = {
    400: 'invalid_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    429: 'rate_limited',
  };
  if (byStatus[status]) return byStatus[status];
  if (status < 500) return 'invalid_request';
  const route = path.split('?')[0].replace(/\/+$/, '');
  if (method === 'POST' && route.endsWith('/api/v1/calls')) return status === 500 ? 'call_failed' : 'vapi_error';
  if ((method === 'POST' || method === 'PATCH') && route.endsWith('/api/v1/agents')) return 'vapi_error';
  return 'internal_error';
}

const MESSAGES: Record<KcErrorCode, string> = {
  unauthorized: 'Invalid API key',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  invalid_request: 'Invalid request',
  bad_request: 'Bad request',
  vapi_error: 'Voice provider request failed',
  call_failed: 'Failed to initiate call',
  internal_error: 'Internal server error',
  rate_limited: 'Rate limit exceeded',
  number_on_dnc: 'Number is on the Do Not Call list',
  tcpa_violation: 'Call blocked by TCPA calling-hours rules',
};

/** Injected faults answer in KaiCalls' envelope. Injected 429s say `Retry-After: 1` (or what the fault asks for) so clients recover fast. */
export const kaiCallsFaultResponses: VendorFaultResponses = {
  error(reply, status) {
    const code = codeForStatus(status, reply.request.method, reply.request.url);
    return sendError(reply, status, code, MESSAGES[code]);
  },
  rateLimited(reply, retryAfterSeconds) {
    return sendRateLimited(reply, retryAfterSeconds, MESSAGES.rate_limited);
  },
};
