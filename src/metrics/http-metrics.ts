import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus registry of this process: HTTP counts and latency by route and status, and the Server-Timing phases. */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests served, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly phases = new Histogram({
    name: 'switchboard_http_request_phase_seconds',
    help: 'Where the time of requests that reached a vendor went (gateway, db, vendor), by method and route template',
    labelNames: ['method', 'route', 'phase'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
  }

  /** `route` is the template (`/v1/keys/:id`), never the raw URL, so labels stay bounded. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels = { method, route: route ?? 'unmatched', status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** The Server-Timing figures of one request, in milliseconds. */
  observePhases(
    method: string,
    route: string | undefined,
    phases: { gatewayMs: number; dbMs: number; vendorMs: number },
  ): void {
    const labels = { method, route: route ?? 'unmatched' };
    this.phases.observe({ ...labels, phase: 'gateway' }, phases.gatewayMs / 1000);
    this.phases.observe({ ...labels, phase: 'db' }, phases.dbMs / 1000);
    this.phases.observe({ ...labels, phase: 'vendor' }, phases.vendorMs / 1000);
  }
}
