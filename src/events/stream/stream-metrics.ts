import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { HttpMetrics } from '../../metrics/http-metrics';
import type { StreamEndReason } from './event-stream';

/** Open event streams and why streams ended; a hijacked response is outside the HTTP metrics. */
@Injectable()
export class StreamMetrics {
  private readonly open: Gauge;
  private readonly ended: Counter<'reason'>;

  constructor(metrics: HttpMetrics) {
    this.open = new Gauge({
      name: 'switchboard_event_streams_open',
      help: 'Event streams (GET /v1/events/stream) open on this instance',
      registers: [metrics.registry],
    });
    this.ended = new Counter({
      name: 'switchboard_event_streams_ended_total',
      help: 'Event streams ended, by reason: client_closed, slow_client, shutdown, read_failed',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
  }

  opened(): void {
    this.open.inc();
  }

  closed(reason: StreamEndReason): void {
    this.open.dec();
    this.ended.inc({ reason });
  }
}
