import type { FieldProblem } from '@switchboard/core';
import { expandEventTypes } from '../event-types';

export interface StreamQuery {
  after?: number;
  type?: string;
  call_id?: string;
}

/** What one stream delivers: events after `after` (undefined = from the end of the log), filtered. */
export interface StreamSelection {
  after: number | undefined;
  types: string[] | undefined;
  callId: string | undefined;
}

const SEQUENCE = /^\d{1,18}$/;

/**
 * Where a stream starts and what it selects. `Last-Event-ID` wins over `?after=`: an
 * EventSource reconnects to the URL it was opened with, still carrying the first `?after=`,
 * and adds the header with the last id it received, which is the newer position. An empty
 * header counts as absent (EventSource never sends one). Returns problems instead of
 * throwing, so the caller answers 422 before the stream starts.
 */
export function streamSelection(
  query: StreamQuery,
  lastEventId: string | string[] | undefined,
): StreamSelection | FieldProblem[] {
  const header = Array.isArray(lastEventId) ? lastEventId.join(',') : lastEventId;
  let after = query.after;
  if (header !== undefined && header.trim() !== '') {
    const value = header.trim();
    if (!SEQUENCE.test(value))
      return [{ field: 'Last-Event-ID', message: 'must be the id of an event this stream sent (a sequence number)' }];
    after = Number(value);
  }
  return {
    after,
    types: query.type ? expandEventTypes(query.type.split(',')) : undefined,
    callId: query.call_id || undefined,
  };
}
