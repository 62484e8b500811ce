import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  ProviderCapabilities,
  ProviderError,
  RateLimitScope,
  resetAtFromHeaders,
  scopesOf,
  UnavailableError,
} from '@switchboard/core';
import { PROVIDERS, RegisteredProviderName } from '@switchboard/providers';
import { DATABASE_RETRY_AFTER_SECONDS, RATE_BUDGET_UNAVAILABLE } from '../../common/error-response';
import { OutageLogger } from '../../common/outage/outage-logger';
import { timedBy } from '../../common/timing/request-timing';
import { requestTimingOf } from '../../providers/vendor-timing';
import { ConfigVariables } from '../../config/config.variables';
import type { ProviderConnectionEntity } from '../../providers/provider-connection.entity';
import {
  blockDurationMs,
  blockedScopeFor,
  BudgetView,
  budgetView,
  BudgetWindow,
  describeWindow,
  effectiveWindows,
  leaseTerms,
  viewedWindows,
  windowsFor,
} from './rate-budget-windows';
import { BudgetLease } from './budget-lease';
import { RATE_BUDGET_STORE, RateBudgetStore, TakeResult } from './rate-budget.store';

/** What a create is blocked by: any request's block, or a block on creates alone. */
const CREATE_SCOPES: readonly RateLimitScope[] = ['requests', 'calls'];

/**
 * Keeps each connection under its vendor's rate limits, for all instances together: every
 * vendor request takes budget first and is refused locally (never sent) when none is left,
 * and a vendor's 429 blocks what it limited until the vendor's reset time.
 */
@Injectable()
export class RateBudgets {
  private readonly logger = new Logger(RateBudgets.name);

  constructor(
    @Inject(RATE_BUDGET_STORE) private readonly store: RateBudgetStore,
    private readonly config: ConfigVariables,
    private readonly outages: OutageLogger,
  ) {}

  get enabled(): boolean {
    return this.config.VENDOR_RATE_BUDGETS === 'on';
  }

  /**
   * Wraps a connection's transport. The windows are fixed here: a changed `rate_limits` builds
   * a new adapter, and with it new leases.
   */
  guard(
    connection: ProviderConnectionEntity,
    capabilities: ProviderCapabilities,
    transport: HttpTransport,
  ): HttpTransport {
    if (!this.enabled) return transport;
    const windows = effectiveWindows(capabilities.rateLimits, connection.rateLimits);
    const { id, provider } = connection;
    // One lease per set of scopes a request counts against (creates, reads, …), on this instance.
    const leases = new Map<string, BudgetLease | null>();
    const leaseFor = (scopes: RateLimitScope[], applying: BudgetWindow[]): BudgetLease | null => {
      const key = scopes.join(',');
      let lease = leases.get(key);
      if (lease === undefined) {
        const terms = leaseTerms(applying);
        // Exact windows (no slack): each request takes its own unit, in parallel, as before leases.
        lease =
          terms.maxUnits > 1
            ? new BudgetLease((units) => this.storeTake(connection, applying, scopes, units), terms)
            : null;
        leases.set(key, lease);
      }
      return lease;
    };
    return {
      request: async (request: HttpRequest): Promise<HttpResponse> => {
        const scopes = scopesOf(request);
        const applying = windowsFor(windows, scopes);
        const lease = leaseFor(scopes, applying);
        if (!lease?.tryTake()) {
          const taken = () => (lease ? lease.acquire() : this.storeTake(connection, applying, scopes, 1));
          const result = await timedBy(this.storeTiming(request), 'db', taken);
          if (!result.granted) throw this.refusal(connection, applying, result);
        }
        const response = await transport.request(request);
        // HMS Sovereign limits control commands per call, not per key: one call's 429 says nothing about the others.
        if (response.status === 429 && request.operation !== 'control') {
          for (const l of leases.values()) l?.drop();
          const now = new Date();
          const scope = blockedScopeFor(windows, scopes);
          const forMs = blockDurationMs(resetAtFromHeaders(response.headers, now), now, applying);
          await timedBy(this.storeTiming(request), 'db', () => this.store.block(id, scope, forMs)).catch((e: Error) =>
            this.logger.warn(`${provider} connection ${id}: could not store a vendor rate-limit block: ${e.message}`),
          );
        }
        return response;
      },
    };
  }

  /** The health view's `rate_budget` (calls, or requests when the vendor has no calls limit); null when budgets are off. */
  async view(connection: ProviderConnectionEntity): Promise<BudgetView | null> {
    if (!this.enabled) return null;
    const registration = PROVIDERS[connection.provider as RegisteredProviderName];
    const windows = viewedWindows(effectiveWindows(registration?.capabilities.rateLimits ?? [], connection.rateLimits));
    let usage: Awaited<ReturnType<RateBudgetStore['usage']>>;
    try {
      usage = await this.store.usage(connection.id, windows, CREATE_SCOPES);
    } catch (e) {
      this.outages.failed(this.store.dependency, e);
      throw new UnavailableError(
        'The vendor rate budgets cannot be read right now; retry after the Retry-After delay.',
        DATABASE_RETRY_AFTER_SECONDS,
      );
    }
    return budgetView(windows, usage.windows, usage.blockedForMs, new Date());
  }

  /** Kept in the database (no Redis), the store's time is the request's database time, as any statement of its own. */
  private storeTiming(request: HttpRequest) {
    return this.store.dependency === 'database' ? requestTimingOf(request) : undefined;
  }

  /** A take from the shared store; a store that cannot answer refuses the request (503). */
  private async storeTake(
    connection: ProviderConnectionEntity,
    windows: BudgetWindow[],
    scopes: RateLimitScope[],
    units: number,
  ): Promise<TakeResult> {
    const { id, provider } = connection;
    try {
      const result = await this.store.take(id, windows, scopes, units);
      this.outages.succeeded(this.store.dependency);
      return result;
    } catch (e) {
      // Without the shared count the gateway cannot know it stays under the vendor: send
      // nothing (the client gets 503 unavailable). Logged once per outage, not per request.
      this.outages.failed(this.store.dependency, e);
      throw new ProviderError({
        provider,
        kind: 'retryable',
        local: true,
        vendorCode: RATE_BUDGET_UNAVAILABLE,
        resetAt: new Date(Date.now() + DATABASE_RETRY_AFTER_SECONDS * 1000),
        message: `${provider} connection ${id}: its rate budget could not be checked, so nothing was sent.`,
      });
    }
  }

  private refusal(
    connection: ProviderConnectionEntity,
    windows: BudgetWindow[],
    result: Extract<TakeResult, { granted: false }>,
  ): ProviderError {
    const resetAt = new Date(Date.now() + result.retryAfterMs);
    const spent =
      result.window === null
        ? 'the vendor rate-limited it (429); such requests wait'
        : `its budget of ${describeWindow(windows[result.window])} is spent`;
    return new ProviderError({
      provider: connection.provider,
      kind: 'rate_limited',
      local: true,
      vendorCode: 'rate_budget',
      resetAt,
      message: `${connection.provider} connection ${connection.id}: ${spent} until ${resetAt.toISOString()}.`,
    });
  }
}
