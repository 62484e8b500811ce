import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { newId } from '@switchboard/core';
import { EntityManager, Repository } from 'typeorm';
import { EventEntity } from './event.entity';

export interface EventResponse {
  id: string;
  object: 'event';
  type: string;
  sequence: number;
  created_at: string;
  call_id: string | null;
  data: Record<string, unknown>;
}

/**
 * The unified event log. Events are appended with the manager of the transaction that
 * changed the call, so a change and its event are stored together or not at all.
 */
@Injectable()
export class EventsService {
  constructor(@InjectRepository(EventEntity) private readonly events: Repository<EventEntity>) {}

  async append(manager: EntityManager, type: string, callId: string | null, data: Record<string, unknown>): Promise<void> {
    await manager.insert(EventEntity, { id: newId('event'), type, callId, data: data as object });
  }

  async forCall(callId: string): Promise<EventResponse[]> {
    const rows = await this.events.find({ where: { callId }, order: { sequence: 'ASC' } });
    return rows.map(toEventResponse);
  }

  async deleteForCall(manager: EntityManager, callId: string): Promise<void> {
    await manager.delete(EventEntity, { callId });
  }
}

export function toEventResponse(row: EventEntity): EventResponse {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    sequence: Number(row.sequence),
    created_at: row.createdAt.toISOString(),
    call_id: row.callId,
    data: row.data,
  };
}
