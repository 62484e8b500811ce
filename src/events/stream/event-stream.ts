import type { ServerResponse } from 'node:http';
import type { EventResponse } from '../event-log.repository';
import { commentFrame, eventFrame } from './sse-frame';

export interface StreamPage {
  data: EventResponse[];
  has_more: boolean;
  /** How far the log was read: the next page starts after it. */
  read_to: number;
}

export interface EventStreamOptions {
  heartbeatMs: number;
  /** How long write() may report a full buffer before the client counts as too slow. */
  slowClientTimeoutMs: number;
  /**
   * True for a read failure that will pass (the database is briefly unreachable): the stream
   * stays open on heartbeats and reads again at its next wake-up or poll, from where it was.
   */
  readFailsTemporarily?: (error: unknown) => boolean;
}

export type StreamEndReason = 'client_closed' | 'slow_client' | 'shutdown' | 'read_failed';

/**
 * One client's live stream. A wake-up only says "read again": the stream reads the log from
 * its own position, one bounded page at a time, so wake-ups that arrive while it is busy
 * fold into one more read, and a lost one costs a delay, never an event. It writes only
 * while the socket accepts data (write() returning true, or after 'drain'), so what it holds
 * for a slow client is one page at most; a client that leaves the buffer full past
 * `slowClientTimeoutMs` is disconnected, and resumes with Last-Event-ID.
 */
export class EventStream {
  private wanted = true;
  private pumping = false;
  private ended = false;
  private readonly heartbeat: NodeJS.Timeout;
  private stalled?: NodeJS.Timeout;
  private whenDrained?: () => void;

  constructor(
    private readonly response: ServerResponse,
    private position: number,
    private readonly readPage: (after: number) => Promise<StreamPage>,
    private readonly options: EventStreamOptions,
    private readonly onEnd: (reason: StreamEndReason, error?: unknown) => void,
  ) {
    this.heartbeat = setInterval(() => {
      // A full buffer already keeps the connection busy; piling comments on it would not.
      if (!this.stalled) this.write(commentFrame('heartbeat'));
    }, options.heartbeatMs);
    response.on('drain', () => this.drained());
    response.on('close', () => this.end('client_closed'));
    response.on('error', () => this.end('client_closed'));
  }

  /** New events may have been committed. */
  wake(): void {
    this.wanted = true;
    void this.pump();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  end(reason: StreamEndReason, error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.stalled);
    this.whenDrained?.();
    if (this.response.destroyed) {
      // The client went away: nothing left to close.
    } else if (reason === 'slow_client' || this.response.writableLength > 0) {
      // A backlog means a client that is not reading: drop it rather than wait to flush it.
      this.response.destroy();
    } else {
      this.response.end();
    }
    this.onEnd(reason, error);
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.ended) return;
    this.pumping = true;
    try {
      while (this.wanted && !this.ended) {
        this.wanted = false;
        const page = await this.readPage(this.position);
        for (const event of page.data) {
          if (this.ended) return;
          if (!this.write(eventFrame(event))) await new Promise<void>((resolve) => (this.whenDrained = resolve));
        }
        this.position = page.read_to;
        if (page.has_more) this.wanted = true;
      }
    } catch (e) {
      if (!this.options.readFailsTemporarily?.(e)) this.end('read_failed', e);
    } finally {
      this.pumping = false;
    }
  }

  /** Writes one whole frame; false when the socket's buffer is full and 'drain' must come first. */
  private write(frame: string): boolean {
    if (this.ended) return false;
    if (this.response.write(frame)) return true;
    this.stalled ??= setTimeout(() => this.end('slow_client'), this.options.slowClientTimeoutMs);
    return false;
  }

  private drained(): void {
    clearTimeout(this.stalled);
    this.stalled = undefined;
    const resume = this.whenDrained;
    this.whenDrained = undefined;
    resume?.();
  }
}
