import type { OutgoingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { GatewayError, ValidationFailedError } from '@switchboard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OutageLogger } from '../../common/outage/outage-logger';
import { ConfigVariables } from '../../config/config.variables';
import { isDatabaseUnreachable } from '../../database/database-unreachable';
import { EventLogRepository } from '../event-log.repository';
import { EVENT_NOTIFIER, EventNotifier } from '../notifier/event-notifier';
import { EventStream, StreamEndReason } from './event-stream';
import { StreamMetrics } from './stream-metrics';
import { commentFrame } from './sse-frame';
import { StreamQuery, streamSelection } from './stream-position';

/** Events per read: bounds what a stream holds in memory, and how long one read takes. */
const PAGE_SIZE = 100;

/**
 * GET /v1/events/stream on this instance: opens streams, wakes them all when the notifier
 * says events were committed (by any instance) and on a slow fallback poll, and ends them
 * at shutdown so that closing the server never waits on a stream.
 */
@Injectable()
export class EventStreamsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamsService.name);
  private readonly streams = new Set<EventStream>();
  private readonly perKey = new Map<string, number>();
  private unsubscribe?: () => void;
  private poll?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(EVENT_NOTIFIER) private readonly notifier: EventNotifier,
    private readonly log: EventLogRepository,
    private readonly config: ConfigVariables,
    private readonly metrics: StreamMetrics,
    private readonly outages: OutageLogger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.notifier.subscribe(() => this.wakeAll());
    // Notifications are only wake-ups; this catches any that were missed.
    this.poll = setInterval(() => this.wakeAll(), this.config.SSE_POLL_INTERVAL_MS);
    this.poll.unref();
  }

  /** Runs before the HTTP server closes (Nest calls destroy hooks first), which would otherwise wait on every stream. */
  onModuleDestroy(): void {
    this.closing = true;
    clearInterval(this.poll);
    this.unsubscribe?.();
    for (const stream of [...this.streams]) stream.end('shutdown');
  }

  async open(request: FastifyRequest, reply: FastifyReply, query: StreamQuery): Promise<void> {
    const selection = streamSelection(query, request.headers['last-event-id']);
    if (Array.isArray(selection)) throw new ValidationFailedError(selection);
    const keyId = request.apiKey!.id;
    const held = this.perKey.get(keyId) ?? 0;
    if (held >= this.config.SSE_MAX_STREAMS_PER_KEY) {
      reply.header('Retry-After', Math.ceil(this.config.SSE_HEARTBEAT_MS / 1000));
      throw new GatewayError(
        'rate_limited',
        `This key already holds ${held} open event streams on this instance; close one before opening another.`,
      );
    }
    this.perKey.set(keyId, held + 1);
    let stream: EventStream | undefined;
    try {
      // Without a position the stream starts at the end of the log: live events only
      // (`?after=0` replays everything).
      const after = selection.after ?? (await this.log.lastSequence());
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        // nginx and similar proxies buffer responses unless told not to.
        'x-accel-buffering': 'no',
        // The connection belongs to the stream: when it ends, so does the connection, and
        // server shutdown never waits for a keep-alive socket it left behind.
        connection: 'close',
      });
      response.write(commentFrame(`connected; events after sequence ${after}`));
      stream = new EventStream(
        response,
        after,
        (position) =>
          this.log.streamPage({ after: position, types: selection.types, callId: selection.callId, limit: PAGE_SIZE }),
        {
          heartbeatMs: this.config.SSE_HEARTBEAT_MS,
          slowClientTimeoutMs: this.config.SSE_SLOW_CLIENT_TIMEOUT_MS,
          readFailsTemporarily: (e) => {
            if (!isDatabaseUnreachable(e)) return false;
            this.outages.failed('database', e);
            return true;
          },
        },
        (reason, error) => this.ended(stream!, keyId, reason, error, String(request.id)),
      );
    } catch (e) {
      this.release(keyId);
      throw e;
    }
    this.streams.add(stream);
    this.metrics.opened();
    const response = reply.raw;
    // Shutdown began, or the client left, while this one was opening.
    if (this.closing) stream.end('shutdown');
    else if (response.destroyed || !response.socket || response.socket.destroyed) stream.end('client_closed');
    else stream.wake();
  }

  private wakeAll(): void {
    for (const stream of this.streams) stream.wake();
  }

  private ended(stream: EventStream, keyId: string, reason: StreamEndReason, error: unknown, requestId: string): void {
    this.streams.delete(stream);
    this.release(keyId);
    this.metrics.closed(reason);
    if (reason === 'read_failed')
      this.logger.warn(
        { request_id: requestId, error: (error as Error)?.message },
        'Event stream ended: reading the log failed',
      );
    else if (reason === 'slow_client')
      this.logger.log({ request_id: requestId }, 'Event stream ended: the client left its buffer full too long');
  }

  private release(keyId: string): void {
    const held = (this.perKey.get(keyId) ?? 1) - 1;
    if (held > 0) this.perKey.set(keyId, held);
    else this.perKey.delete(keyId);
  }
}
