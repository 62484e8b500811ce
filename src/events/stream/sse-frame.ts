import type { EventResponse } from '../event-log.repository';

/**
 * Server-Sent Events framing (the WHATWG event-stream format). An event's `id:` is its
 * sequence, so a client's Last-Event-ID is exactly where to resume. JSON never contains a
 * raw line break, so one `data:` line carries the whole event.
 */
export function eventFrame(event: EventResponse): string {
  return `id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A comment: ignored by clients, but it keeps proxies and idle timeouts from closing the stream. */
export function commentFrame(text: string): string {
  return `${text
    .split(/\r\n|\r|\n/)
    .map((line) => `: ${line}`)
    .join('\n')}\n\n`;
}
