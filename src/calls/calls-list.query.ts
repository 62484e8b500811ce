import { isIdOf, PROVIDER_NAMES } from '@switchboard/core';
import { Brackets, Repository } from 'typeorm';
import { paginate } from '../common/pagination';
import { CallEntity } from './call.entity';
import { normalizeDestination } from './destination';
import { ListCallsDto } from './dto/call.dto';

/** Every filter of GET /v1/calls, served from the gateway's cache, keyset-paged. */
export function listCalls(calls: Repository<CallEntity>, query: ListCallsDto) {
  const qb = calls.createQueryBuilder('c').where('c.deleted_at IS NULL');
  const number = (value: string) => normalizeDestination(value)?.value ?? value;
  if (query.status) qb.andWhere('c.status = :status', { status: query.status });
  if (query.provider) {
    if ((PROVIDER_NAMES as readonly string[]).includes(query.provider)) qb.andWhere('c.provider = :provider', { provider: query.provider });
    else qb.andWhere('c.connection_id = :provider', { provider: query.provider });
  }
  if (query.connection_id) qb.andWhere('c.connection_id = :connectionId', { connectionId: query.connection_id });
  if (query.agent_id) qb.andWhere('c.agent_id = :agentId', { agentId: query.agent_id });
  if (query.direction) qb.andWhere('c.direction = :direction', { direction: query.direction });
  if (query.to) qb.andWhere('c."to" = :to', { to: number(query.to) });
  if (query.from) qb.andWhere('c."from" = :from', { from: number(query.from) });
  if (query.q) {
    const q = query.q.trim();
    if (isIdOf('call', q)) qb.andWhere('c.id = :q', { q });
    else {
      const digits = q.replace(/[^\d+]/g, '');
      qb.andWhere(
        new Brackets((w) => {
          w.where('c.provider_call_id = :q', { q });
          if (digits.length >= 3) w.orWhere('c."to" LIKE :like', { like: `%${digits}%` }).orWhere('c."from" LIKE :like', { like: `%${digits}%` });
        }),
      );
    }
  }
  // The API shows milliseconds and Postgres keeps microseconds: compare what the client saw.
  if (query.created_after) qb.andWhere(`date_trunc('milliseconds', c.created_at) > :after`, { after: new Date(query.created_after) });
  if (query.created_before) qb.andWhere(`date_trunc('milliseconds', c.created_at) < :before`, { before: new Date(query.created_before) });
  if (query.metadata && Object.keys(query.metadata).length) qb.andWhere('c.metadata @> :metadata', { metadata: JSON.stringify(query.metadata) });
  return paginate(qb, query);
}
