import type { HttpRequest, HttpResponse, HttpTransport } from '@switchboard/core';
import { TransportError } from '@switchboard/core';
import type { CircuitStateName } from '../routing/circuit-breakers';
import type { OutcomeView } from '../routing/outcome-rules';

export interface HealthView {
  /** From the connection's circuit breaker (src/routing/circuit-breakers.ts). */
  circuit: CircuitStateName;
  /** When an open circuit lets its probe request through (a past time once due); null when closed or while the probe runs. */
  circuit_next_probe_at: string | null;
  /** How its recent dials ended, from the call ledger (src/routing/outcome-health.ts). */
  outcomes: OutcomeView;
  rate_budget: { remaining: number | null; reset_at: string | null };
  last_error: { message: string; status: number | null; at: string } | null;
  latency_ms_p50: number | null;
}

/**
 * What the gateway has seen of one connection: latency, the vendor's own rate-limit
 * headers, the last failure. Per instance, in memory. The circuit and call outcomes are
 * judged elsewhere and joined to this view by the providers service.
 */
export class ConnectionHealth {
  private readonly latencies: number[] = [];
  private lastError: HealthView['last_error'] = null;
  private remaining: number | null = null;
  private resetAt: string | null = null;

  /** Wraps a transport so every request of this connection is observed. */
  observe(transport: HttpTransport): HttpTransport {
    return {
      request: async (request: HttpRequest): Promise<HttpResponse> => {
        const started = performance.now();
        try {
          const response = await transport.request(request);
          this.record(performance.now() - started, response);
          return response;
        } catch (e) {
          this.lastError = {
            message: e instanceof TransportError ? `no response (${e.reason})` : 'request failed',
            status: null,
            at: new Date().toISOString(),
          };
          throw e;
        }
      },
    };
  }

  view(): Omit<HealthView, 'circuit' | 'circuit_next_probe_at' | 'outcomes'> {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      rate_budget: { remaining: this.remaining, reset_at: this.resetAt },
      last_error: this.lastError,
      latency_ms_p50: sorted.length ? Math.round(sorted[Math.floor((sorted.length - 1) / 2)]) : null,
    };
  }

  private record(ms: number, response: HttpResponse): void {
    this.latencies.push(ms);
    if (this.latencies.length > 200) this.latencies.shift();
    const header = (name: string) => {
      const v = response.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const remaining = Number(header('x-ratelimit-remaining'));
    if (Number.isFinite(remaining) && header('x-ratelimit-remaining') !== undefined) this.remaining = remaining;
    const reset = Number(header('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0)
      this.resetAt = new Date(reset > 1e9 ? reset * 1000 : Date.now() + reset * 1000).toISOString();
    if (response.status >= 400)
      this.lastError = { message: `HTTP ${response.status}`, status: response.status, at: new Date().toISOString() };
  }
}
