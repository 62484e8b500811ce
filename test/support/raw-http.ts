import type { Socket } from 'node:net';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
  /** Milliseconds from connecting to the server closing (or to giving up). */
  elapsedMs: number;
}

/**
 * Bytes written straight to a socket, for what fetch will not send (malformed request
 * lines, thousands of headers, a body that trickles in). `write` sends the request, at its
 * own pace; the answer is read until the server closes or `timeoutMs` passes.
 */
export function rawExchange(origin: string, write: (socket: Socket) => void, timeoutMs = 10_000): Promise<RawResponse> {
  const { port } = new URL(origin);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => write(socket));
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString('utf8'), closed, Date.now() - started));
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e),
    );
  });
}

function parse(text: string, closed: boolean, elapsedMs: number): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const bodyText = end < 0 ? '' : text.slice(end + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body: unknown = null;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    body = null;
  }
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
    headers,
    body,
    text,
    closed,
    elapsedMs,
  };
}
