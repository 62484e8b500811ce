import type { RedisState } from '../redis/redis-connections';

export interface Readiness {
  httpStatus: 200 | 503;
  body: {
    status: 'ok' | 'degraded' | 'unavailable';
    checks: { database: 'ok' | 'unreachable'; redis?: 'ok' | 'unreachable' };
  };
}

/**
 * Without its database an instance can do nothing useful: 503, so a load balancer stops
 * sending it traffic. Without Redis it still serves (per-instance key limits, no vendor
 * requests): 200 "degraded" — every instance shares the one Redis, so taking them all out of
 * rotation would turn a partial outage into a full one.
 */
export function readiness(database: 'ok' | 'unreachable', redis: RedisState): Readiness {
  const checks: Readiness['body']['checks'] = { database, ...(redis === 'not_configured' ? {} : { redis }) };
  if (database !== 'ok') return { httpStatus: 503, body: { status: 'unavailable', checks } };
  return { httpStatus: 200, body: { status: redis === 'unreachable' ? 'degraded' : 'ok', checks } };
}
