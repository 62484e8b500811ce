import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RateDecision, RateWindow, VendorFaultResponses } from '../common';
import { statusMessage } from './kalem.laravel';

/** Per token, both apply (documented). */
export const KALEM_RATE_WINDOWS: RateWindow[] = [
  { limit: 60, windowMs: 60_000 },
  { limit: 1_000, windowMs: 3_600_000 },
];

/** Retry-After of an injected `rate_limit` fault, short so tests that honour it stay fast. */
/** Sent on every authenticated response (documented names; Reset is Unix epoch seconds). */
export function rateLimitHeaders(
  decision: Pick<RateDecision, 'limit' | 'remaining' | 'resetAt'>,
): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(Math.ceil(decision.resetAt.getTime() / 1000)),
  };
}

export function sendTooManyAttempts(
  reply: FastifyReply,
  decision: Pick<RateDecision, 'limit' | 'remaining' | 'resetAt' | 'retryAfterSeconds'>,
) {
  return reply
    .code(429)
    .headers(rateLimitHeaders(decision))
    .header('Retry-After', String(decision.retryAfterSeconds))
    .send({ message: statusMessage(429) });
}

/** How injected faults look at Kalem: Laravel's `{message}` envelope. */
export const kalemFaultResponses: VendorFaultResponses = {
  error: (reply, status) => reply.code(status).send({ message: statusMessage(status) }),
  rateLimited: (reply, retryAfterSeconds) =>
    sendTooManyAttempts(reply, {
      limit: KALEM_RATE_WINDOWS[0].limit,
      remaining: 0,
      resetAt: new Date(Date.now() + retryAfterSeconds * 1000),
      retryAfterSeconds,
    }),
};

/** Sanctum reads `Authorization: Bearer <token>`; anything else is unauthenticated. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/** Marks a body that was not valid JSON, so the handler can answer after faults and auth. */
export class MalformedJson {}

/**
 * Laravel reads any `…json` content type as JSON and everything else as (here: empty) form
 * input, and tolerates an empty body. Parse errors are deferred to the handler.
 */
export function registerKalemBodyParser(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (!/json/i.test(request.headers['content-type'] ?? '') || text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(null, new MalformedJson());
    }
  });
}
