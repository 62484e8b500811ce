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

  /**
   * The series of each method and route, bound once: prom-client then skips building a label
   * object per call, and the phases' labels were spread from a shared object, which V8 builds
   * slowly (the five observations of a create cost 8.6 µs that way, in a tight loop).
   */
  private readonly series = new Map<string, Map<string, RouteSeries>>();

  private seriesOf(method: string, route: string | undefined): RouteSeries {
    const template = route ?? 'unmatched';
    let byRoute = this.series.get(method);
    if (!byRoute) this.series.set(method, (byRoute = new Map()));
    let series = byRoute.get(template);
    if (!series) {
      const labels = { method, route: template };
      series = {
        labels,
        gateway: this.phases.labels({ ...labels, phase: 'gateway' }),
        db: this.phases.labels({ ...labels, phase: 'db' }),
        vendor: this.phases.labels({ ...labels, phase: 'vendor' }),
        byStatus: new Map(),
      };
      byRoute.set(template, series);
    }
    return series;
  }

  /** `route` is the template (`/v1/keys/:id`), never the raw URL, so labels stay bounded. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const series = this.seriesOf(method, route);
    let byStatus = series.byStatus.get(status);
    if (!byStatus) {
      const labels = { ...series.labels, status: String(status) };
      byStatus = { requests: this.requests.labels(labels), duration: this.duration.labels(labels) };
      series.byStatus.set(status, byStatus);
    }
    byStatus.requests.inc();
    byStatus.duration.observe(seconds);
  }

  /** The Server-Timing figures of one request, in milliseconds. */
  observePhases(
    method: string,
    route: string | undefined,
    phases: { gatewayMs: number; dbMs: number; vendorMs: number },
  ): void {
    const series = this.seriesOf(method, route);
    series.gateway.observe(phases.gatewayMs / 1000);
    series.db.observe(phases.dbMs / 1000);
    series.vendor.observe(phases.vendorMs / 1000);
  }
}

interface RouteSeries {
  labels: { method: string; route: string };
  gateway: { observe(value: number): void };
  db: { observe(value: number): void };
  vendor: { observe(value: number): void };
  byStatus: Map<number, { requests: { inc(): void }; duration: { observe(value: number): void } }>;
}
