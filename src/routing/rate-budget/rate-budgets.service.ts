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
  viewedWindows,
  windowsFor,
} from './rate-budget-windows';
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

  /** Wraps a connection's transport. The windows are fixed here: a changed `rate_limits` builds a new adapter. */
  guard(
    connection: ProviderConnectionEntity,
    capabilities: ProviderCapabilities,
    transport: HttpTransport,
  ): HttpTransport {
    if (!this.enabled) return transport;
    const windows = effectiveWindows(capabilities.rateLimits, connection.rateLimits);
    const { id, provider } = connection;
    return {
      request: async (request: HttpRequest): Promise<HttpResponse> => {
        const scopes = scopesOf(request);
        const applying = windowsFor(windows, scopes);
        // Kept in the database (no Redis): that is the request's database time, as any statement of its own.
        const timing = this.store.dependency === 'database' ? requestTimingOf(request) : undefined;
        await timedBy(timing, 'db', () => this.take(connection, applying, scopes));
        const response = await transport.request(request);
        // HMS Sovereign limits control commands per call, not per key: one call's 429 says nothing about the others.
        if (response.status === 429 && request.operation !== 'control') {
          const now = new Date();
          const scope = blockedScopeFor(windows, scopes);
          const forMs = blockDurationMs(resetAtFromHeaders(response.headers, now), now, applying);
          await timedBy(timing, 'db', () => this.store.block(id, scope, forMs)).catch((e: Error) =>
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

  private async take(
    connection: ProviderConnectionEntity,
    windows: BudgetWindow[],
    scopes: RateLimitScope[],
  ): Promise<void> {
    const { id, provider } = connection;
    let result: TakeResult;
    try {
      result = await this.store.take(id, windows, scopes);
      this.outages.succeeded(this.store.dependency);
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
    if (result.granted) return;
    const resetAt = new Date(Date.now() + result.retryAfterMs);
    const spent =
      result.window === null
        ? 'the vendor rate-limited it (429); such requests wait'
        : `its budget of ${describeWindow(windows[result.window])} is spent`;
    throw new ProviderError({
      provider,
      kind: 'rate_limited',
      local: true,
      vendorCode: 'rate_budget',
      resetAt,
      message: `${provider} connection ${id}: ${spent} until ${resetAt.toISOString()}.`,
    });
  }
}
