import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { HttpMetrics } from './http-metrics';

/** The same metrics observed through prom-client's label objects, one per call: what the bound series must match. */
function plainMetrics() {
  const registry = new Registry();
  const requests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests served, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const phases = new Histogram({
    name: 'switchboard_http_request_phase_seconds',
    help: 'Where the time of requests that reached a vendor went (gateway, db, vendor), by method and route template',
    labelNames: ['method', 'route', 'phase'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, requests, duration, phases };
}

const ours = (text: string) => text.split('\n').filter((line) => line.startsWith('switchboard_http_'));

describe('HttpMetrics', () => {
  it('exposes what per-call label objects would, across methods, routes, statuses and phases', async () => {
    const metrics = new HttpMetrics();
    const plain = plainMetrics();
    const requests: [string, string | undefined, number, number][] = [
      ['POST', '/v1/calls', 201, 0.0031],
      ['POST', '/v1/calls', 201, 0.2],
      ['POST', '/v1/calls', 422, 0.0004],
      ['GET', '/v1/calls/:id', 200, 0.0012],
      ['GET', undefined, 404, 0.0001],
      ['POST', '/v1/calls', 201, 7],
    ];
    for (const [method, route, status, seconds] of requests) {
      metrics.observe(method, route, status, seconds);
      const labels = { method, route: route ?? 'unmatched', status: String(status) };
      plain.requests.inc(labels);
      plain.duration.observe(labels, seconds);
      if (status === 201) {
        const phases = { gatewayMs: seconds * 200, dbMs: seconds * 500, vendorMs: seconds * 300 };
        metrics.observePhases(method, route, phases);
        for (const phase of ['gateway', 'db', 'vendor'] as const)
          plain.phases.observe({ method, route: route ?? 'unmatched', phase }, phases[`${phase}Ms`] / 1000);
      }
    }
    const exposed = ours(await metrics.registry.metrics());
    assert.ok(
      exposed.some((line) =>
        line.startsWith('switchboard_http_requests_total{method="POST",route="/v1/calls",status="201"} 3'),
      ),
    );
    assert.deepEqual(exposed, ours(await plain.registry.metrics()));
  });

  it('keeps counting through a registry reset', async () => {
    const metrics = new HttpMetrics();
    metrics.observe('GET', '/v1/calls/:id', 200, 0.001);
    metrics.registry.resetMetrics();
    metrics.observe('GET', '/v1/calls/:id', 200, 0.001);
    const exposed = ours(await metrics.registry.metrics());
    assert.ok(exposed.includes('switchboard_http_requests_total{method="GET",route="/v1/calls/:id",status="200"} 1'));
  });
});
