import type { CallEntity } from '../calls/call.entity';

/**
 * Whether a create may still be waiting for its vendor's answer, so that a look-up now
 * could miss a call about to be placed. Pure. A call with a vendor id is placed; an
 * `ambiguous` last attempt means the dispatcher has given up waiting; otherwise only
 * silence for `quietMs` (a crash mid-create: nothing is left to answer) says it is over.
 */
export function createInFlight(
  call: Pick<CallEntity, 'providerCallId' | 'attempts' | 'createdAt' | 'updatedAt'>,
  now: Date,
  quietMs: number,
): boolean {
  if (call.providerCallId) return false;
  if (call.attempts.at(-1)?.outcome === 'ambiguous') return false;
  const lastNews = Math.max(call.createdAt.getTime(), call.updatedAt.getTime());
  return now.getTime() - lastNews < quietMs;
}
