/**
 * The contract's delivery schedule: the first attempt at once, then retries 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h after each failure; a delivery whose last attempt fails
 * is `failed`. Entry i is the wait before attempt i + 1.
 */
export const CONTRACT_RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 36000] as const;

/** A consumer's Retry-After is honoured up to the contract's longest wait, so it cannot park a delivery for ever. */
const RETRY_AFTER_CAP_MS = 10 * 3600 * 1000;

/** Jitter spreads retries of deliveries that failed together (a consumer outage) over ±10 %. */
const JITTER = 0.1;

/** Parses `DELIVERY_RETRY_SCHEDULE_SECONDS` (`0,5,300,…`); null when it is not a list of whole seconds. */
export function parseRetrySchedule(text: string): number[] | null {
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.length || parts.some((p) => !/^\d{1,7}$/.test(p))) return null;
  return parts.map(Number);
}

/**
 * When the next attempt is due after `attemptsMade` attempts of this round have failed, or
 * null when the schedule is spent. A consumer's Retry-After is honoured as a lower bound
 * (never earlier than it asked), up to 10 h.
 */
export function nextAttemptAt(
  schedule: readonly number[],
  attemptsMade: number,
  now: Date,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): Date | null {
  if (attemptsMade >= schedule.length) return null;
  const baseMs = schedule[attemptsMade] * 1000;
  let waitMs = baseMs * (1 - JITTER + 2 * JITTER * random());
  if (retryAfterMs !== null) waitMs = Math.max(waitMs, Math.min(retryAfterMs, RETRY_AFTER_CAP_MS));
  return new Date(now.getTime() + Math.round(waitMs));
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: Date): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
