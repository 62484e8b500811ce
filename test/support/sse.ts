import type { ClientRequest } from 'node:http';
import { get as httpGet } from 'node:http';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { pollUntil } from '@switchboard/simulators/testing';

/** One dispatched Server-Sent Event. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * An incremental parser of the event-stream format (WHATWG HTML, "Server-sent events"):
 * lines end in CRLF, LF or CR; `:` starts a comment; a blank line dispatches the event.
 * An event cut off by the end of the stream is dropped, as browsers drop it.
 */
export class SseParser {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  /** The id of the last dispatched event: what an EventSource would send as Last-Event-ID. */
  lastEventId: string | undefined;
  private rest = '';
  private pending: { id?: string; event?: string; data: string[] } = { data: [] };

  feed(text: string): SseMessage[] {
    let input = this.rest + text;
    // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
    const heldCr = input.endsWith('\r') ? '\r' : '';
    if (heldCr) input = input.slice(0, -1);
    const lines = input.split(/\r\n|\r|\n/);
    // The last piece has no line end yet.
    this.rest = lines.pop()! + heldCr;
    const dispatched: SseMessage[] = [];
    for (const line of lines) {
      if (line === '') {
        if (this.pending.id !== undefined) this.lastEventId = this.pending.id;
        if (this.pending.data.length) {
          const message = {
            id: this.pending.id ?? this.lastEventId,
            event: this.pending.event ?? 'message',
            data: this.pending.data.join('\n'),
          };
          this.messages.push(message);
          dispatched.push(message);
        }
        this.pending = { data: [] };
      } else if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trimStart());
      } else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') this.pending.data.push(value);
        else if (field === 'event') this.pending.event = value;
        else if (field === 'id' && !value.includes('\0')) this.pending.id = value;
      }
    }
    return dispatched;
  }

  /** The data of every event, parsed as JSON. */
  get events(): any[] {
    return this.messages.map((m) => JSON.parse(m.data));
  }
}

export interface OpenStreamOptions {
  key: string | null;
  lastEventId?: string;
  headers?: Record<string, string>;
}

/**
 * A live GET of an event stream, parsed as it arrives. Each stream gets a connection of its
 * own (no pooling agent), as an EventSource does, so closing it closes exactly that socket.
 */
export class SseClient {
  readonly parser = new SseParser();
  ended = false;
  private constructor(
    readonly status: number,
    readonly headers: Headers,
    /** The body, when the answer was not a stream (an error envelope). */
    readonly text: string,
    private readonly request: ClientRequest,
  ) {}

  static open(url: string, options: OpenStreamOptions): Promise<SseClient> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(options.headers ?? {}) };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    return new Promise((resolve, reject) => {
      let client: SseClient | undefined;
      const request = httpGet(url, { headers, agent: false }, (response) => {
        const received = new Headers();
        for (const [name, value] of Object.entries(response.headers))
          if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
        response.setEncoding('utf8');
        if (response.statusCode !== 200) {
          let text = '';
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve(new SseClient(response.statusCode!, received, text, request)));
          return;
        }
        client = new SseClient(200, received, '', request);
        const open = client;
        response.on('data', (chunk: string) => open.parser.feed(chunk));
        response.on('close', () => (open.ended = true));
        resolve(open);
      });
      request.on('error', (e) => {
        if (client) client.ended = true;
        else reject(e);
      });
    });
  }

  get events(): any[] {
    return this.parser.events;
  }

  get messages(): SseMessage[] {
    return this.parser.messages;
  }

  get comments(): string[] {
    return this.parser.comments;
  }

  /** Waits until the events received so far satisfy `accept`. */
  waitFor(accept: (events: any[]) => boolean, what: string, timeoutMs = 15_000): Promise<any[]> {
    return pollUntil(
      () => {
        if (this.ended && !accept(this.events))
          throw new Error(`the stream ended before ${what}; ${this.events.length} events`);
        return this.events;
      },
      accept,
      { timeoutMs, intervalMs: 20, what },
    );
  }

  /** Waits for the first event with this sequence or a later one. */
  waitForSequence(sequence: number, timeoutMs?: number): Promise<any[]> {
    return this.waitFor(
      (events) => events.some((e) => e.sequence >= sequence),
      `an event with sequence >= ${sequence}`,
      timeoutMs,
    );
  }

  waitForEnd(timeoutMs = 10_000): Promise<boolean> {
    return pollUntil(
      () => this.ended,
      (ended) => ended,
      { timeoutMs, intervalMs: 20, what: 'the stream to end' },
    );
  }

  close(): void {
    this.request.destroy();
  }
}

/**
 * A client that sends the request and then never reads: the bytes pile up in the kernel's
 * buffers and then the server's. `drain()` reads what did arrive, until the server closes.
 * HTTP/1.0, so the body comes unchunked and ends when the connection does.
 */
export function openUnreadStream(
  port: number,
  path: string,
  key: string,
): Promise<{ socket: Socket; drain(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      resolve({
        socket,
        drain: () =>
          new Promise((done) => {
            const chunks: Buffer[] = [];
            socket.on('data', (chunk: Buffer) => chunks.push(chunk));
            socket.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
            socket.resume();
          }),
      });
    });
    socket.pause();
    socket.on('error', reject);
  });
}

/** One sample of the gateway's Prometheus text, 0 when absent (`key`: one with metrics:read, the default METRICS_ACCESS). */
export async function metric(
  baseUrl: string,
  key: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ? match[2].split(',') : [];
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}
