import { STATUS_CODES } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateDecision, VendorFaultResponses } from '../common';

/**
 * The flat envelope of the auth errors and the form the official SDK parses:
 * `{ error, message, param? }`. 400/404 bodies are undocumented and use it too.
 */
export function sendError(reply: FastifyReply, status: number, message: string, param?: string): FastifyReply {
  const body: Record<string, unknown> = { error: STATUS_CODES[status] ?? 'Error', message };
  if (param) body.param = param;
  return reply.code(status).send(body);
}

export const unauthorized = (reply: FastifyReply) => sendError(reply, 401, 'Invalid or missing API key');
export const notFound = (reply: FastifyReply, what: string) => sendError(reply, 404, `${what} not found`);
export const badRequest = (reply: FastifyReply, message: string, param?: string) =>
  sendError(reply, 400, message, param);

/** The SDK maps 402 to `InsufficientCreditsError`; the docs never show the body. */
export const outOfCredits = (reply: FastifyReply) =>
  sendError(reply, 402, 'Insufficient credits. Top up your balance to place calls.');

export function retryMessage(seconds: number, what = 'requests'): string {
  return `Too many ${what}. Please retry after ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
}

/** The rate-limit headers ride on every authenticated response. */
export function setRateHeaders(
  reply: FastifyReply,
  decision: Pick<RateDecision, 'limit' | 'remaining' | 'resetAt'>,
): void {
  reply
    .header('X-RateLimit-Limit', String(decision.limit))
    .header('X-RateLimit-Remaining', String(decision.remaining))
    .header('X-RateLimit-Reset', String(Math.ceil(decision.resetAt.getTime() / 1000)));
}

/** 429 keeps the documented nested envelope, unlike every other error. */
export function sendRateLimited(reply: FastifyReply, retryAfterSeconds: number, what?: string): FastifyReply {
  return reply
    .code(429)
    .header('Retry-After', String(retryAfterSeconds))
    .send({ error: { code: 'rate_limit_exceeded', message: retryMessage(retryAfterSeconds, what) } });
}

export const API_LIMIT = { limit: 100, windowMs: 60_000 };
export const CONTROL_LIMIT = { limit: 10, windowMs: 60_000 };

/** How injected faults look at this vendor. */
export const hmsFaultResponses: VendorFaultResponses = {
  error(reply, status) {
    if (status === 401) return unauthorized(reply);
    if (status === 402) return outOfCredits(reply);
    if (status === 429) return hmsFaultResponses.rateLimited(reply, 1);
    return sendError(reply, status, status >= 500 ? 'Internal server error' : (STATUS_CODES[status] ?? 'Error'));
  },
  rateLimited(reply, retryAfterSeconds) {
    // An injected limit is short-lived (1 s unless the fault asks for more), so retrying clients recover fast.
    setRateHeaders(reply, {
      limit: API_LIMIT.limit,
      remaining: 0,
      resetAt: new Date(Date.now() + retryAfterSeconds * 1_000),
    });
    return sendRateLimited(reply, retryAfterSeconds);
  },
};

/** `Authorization: Bearer <key>`, compared in constant time. */
export function hasValidKey(request: FastifyRequest, apiKey: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(apiKey);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
