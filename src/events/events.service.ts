import { Injectable } from '@nestjs/common';
import { isIdOf, NotFoundError } from '@switchboard/core';
import { ListEventsDto } from './dto/list-events.dto';
import { EventLogRepository, EventResponse } from './event-log.repository';
import { expandEventTypes } from './event-types';

/** Reading the unified event log: resumable by sequence, filterable by type and call. */
@Injectable()
export class EventsService {
  constructor(private readonly log: EventLogRepository) {}

  async list(query: ListEventsDto): Promise<{ data: EventResponse[]; has_more: boolean; next_cursor: string | null }> {
    const after = query.cursor !== undefined ? Number(query.cursor) : query.after;
    const types = query.type ? expandEventTypes(query.type.split(',')) : undefined;
    const page = await this.log.list({ after, types, callId: query.call_id, limit: query.limit ?? 50 });
    const last = page.data[page.data.length - 1];
    // The cursor is the last sequence returned, so a reader can always resume, even on the last page.
    return {
      ...page,
      next_cursor: last ? String(last.sequence) : (query.cursor ?? (after !== undefined ? String(after) : null)),
    };
  }

  async get(id: string): Promise<EventResponse> {
    const event = isIdOf('event', id) ? await this.log.findById(id) : null;
    if (!event) throw new NotFoundError('event', id);
    return event;
  }
}
