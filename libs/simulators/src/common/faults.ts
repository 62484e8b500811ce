import type { FastifyReply, FastifyRequest } from 'fastify';
import { ANSWER_LOST_HOLD_MS, losesCreateAnswer } from './magic-numbers';
import type { SimClock } from './sim-clock';

export const FAULT_MODES = ['none', 'error', 'timeout', 'reset', 'rate_limit', 'slow'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultConfig {
  mode: FaultMode;
  /** HTTP status for `error` (default 500). */
  status?: number;
  /** Chance that a request is hit, 0..1 (default 1). */
  probability?: number;
  /** How many requests are hit before the fault clears itself (default: unlimited). */
  count?: number;
  /** `slow`: extra latency; `timeout`: how long the socket is held before it is closed. */
  delay_ms?: number;
  /**
   * Apply only to create requests, after the call was really created: `timeout`/`reset` lose
   * the answer (the ambiguous case); `slow` holds it for `delay_ms`, while the call runs and
   * its webhooks go out (webhooks that reach the client before its create's answer); the
   * next fault setting (`POST /__sim/faults`, even `none`) releases such held answers at once.
   */
  after_create?: boolean;
  /** `rate_limit`: the wait the vendor's 429 asks for (Retry-After and its reset header; default 1 s). */
  retry_after_seconds?: number;
}

/** How a vendor answers an injected error or rate limit, in its own envelope and headers. */
export interface VendorFaultResponses {
  error(reply: FastifyReply, status: number): FastifyReply;
  rateLimited(reply: FastifyReply, retryAfterSeconds: number): FastifyReply;
}

export function faultProblems(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!(FAULT_MODES as readonly unknown[]).includes(input.mode))
    problems.push(`mode: one of ${FAULT_MODES.join(', ')}`);
  const num = (key: string, min: number, max: number) => {
    const v = input[key];
    if (v !== undefined && !(typeof v === 'number' && v >= min && v <= max))
      problems.push(`${key}: a number from ${min} to ${max}`);
  };
  num('status', 100, 599);
  num('probability', 0, 1);
  num('count', 1, 1_000_000);
  num('delay_ms', 0, 600_000);
  num('retry_after_seconds', 1, 3_600);
  if (input.after_create !== undefined && typeof input.after_create !== 'boolean')
    problems.push('after_create: a boolean');
  if (input.after_create === true && !['timeout', 'reset', 'slow'].includes(String(input.mode)))
    problems.push('after_create: only with mode timeout, reset or slow');
  return problems;
}

/**
 * Injects failures into vendor requests. `/__sim/*` control routes are never affected.
 * A fault with `count` clears itself after that many hits.
 */
export class FaultInjector {
  private config: FaultConfig = { mode: 'none' };
  private remaining = Infinity;
  /** Create answers held by `slow` + `after_create`, released by the next setting. */
  private readonly held = new Set<() => void>();

  constructor(
    private readonly clock: SimClock,
    private readonly random: () => number = Math.random,
  ) {}

  set(config: FaultConfig): void {
    this.config = { ...config };
    this.remaining = config.count ?? Infinity;
  }

  get current(): FaultConfig & { remaining: number | null } {
    return { ...this.config, remaining: Number.isFinite(this.remaining) ? this.remaining : null };
  }

  /** Answers every create held by `slow` + `after_create` now (a new setting from the control API). */
  releaseHeld(): void {
    for (const release of [...this.held]) release();
  }

  reset(): void {
    this.set({ mode: 'none' });
  }

  /** Call first in every vendor route. Returns true when the fault already answered. */
  async before(request: FastifyRequest, reply: FastifyReply, vendor: VendorFaultResponses): Promise<boolean> {
    if (this.config.after_create || !this.hit()) return false;
    const { mode, status = 500, delay_ms } = this.config;
    switch (mode) {
      case 'error':
        vendor.error(reply, status);
        return true;
      case 'rate_limit':
        vendor.rateLimited(reply, this.config.retry_after_seconds ?? 1);
        return true;
      case 'slow':
        await this.clock.sleepReal(delay_ms ?? 2_000);
        return false;
      case 'timeout':
        await this.hold(request, reply, delay_ms ?? 30_000);
        return true;
      case 'reset':
        this.destroy(request, reply);
        return true;
      default:
        return false;
    }
  }

  /**
   * Call in create handlers after the call exists, with the numbers it dials. With
   * `after_create`, or for the magic number that loses the answer, the client then sees a
   * timeout or a reset although the vendor placed the call.
   */
  async afterCreate(request: FastifyRequest, reply: FastifyReply, dialed: readonly string[] = []): Promise<boolean> {
    if (losesCreateAnswer(dialed)) {
      await this.hold(request, reply, ANSWER_LOST_HOLD_MS);
      return true;
    }
    if (!this.config.after_create || !this.hit()) return false;
    if (this.config.mode === 'slow') {
      await new Promise<void>((resolve) => {
        const release = () => {
          this.held.delete(release);
          resolve();
        };
        this.held.add(release);
        void this.clock.sleepReal(this.config.delay_ms ?? 2_000).then(release);
      });
      return false;
    }
    if (this.config.mode === 'reset') this.destroy(request, reply);
    else await this.hold(request, reply, this.config.delay_ms ?? 30_000);
    return true;
  }

  private hit(): boolean {
    if (this.config.mode === 'none' || this.remaining <= 0) return false;
    if (this.random() >= (this.config.probability ?? 1)) return false;
    this.remaining -= 1;
    if (this.remaining <= 0) {
      const spent = this.config;
      // Keep answering this request with the spent fault, but the next request passes.
      queueMicrotask(() => this.config === spent && this.reset());
    }
    return true;
  }

  /**
   * Never answers; closes the socket after `ms` so nothing leaks past the test. The reply
   * is hijacked first, so this works from a route handler and from an onRequest hook alike.
   */
  private async hold(request: FastifyRequest, reply: FastifyReply, ms: number): Promise<void> {
    reply.hijack();
    await this.clock.sleepReal(ms);
    request.raw.socket?.destroy();
  }

  private destroy(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    request.raw.socket?.destroy();
  }
}
