import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ValidationFailedError } from '@switchboard/core';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** `?limit=&cursor=` of every list (the API reference's introduction, src/common/openapi.ts). */
export class ListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous page's next_cursor" })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Keyset pagination, newest first. Ids are time-sortable (UUIDv7 bodies), so "id below the
 * last one seen" is stable under inserts: new rows appear only on page one.
 */
export async function paginate<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  query: ListQueryDto,
  idColumn = `${qb.alias}.id`,
): Promise<{ rows: E[]; has_more: boolean; next_cursor: string | null }> {
  const limit = pageSize(query);
  if (query.cursor !== undefined) qb.andWhere(`${idColumn} < :cursorId`, { cursorId: decodeCursor(query.cursor) });
  const rows = await qb
    .orderBy(idColumn, 'DESC')
    .take(limit + 1)
    .getMany();
  return keysetPage(rows, limit);
}

/** `?limit=`, or the default. */
export function pageSize(query: Pick<ListQueryDto, 'limit'>): number {
  return query.limit ?? 50;
}

/** A page from up to `limit + 1` rows, newest first: the extra row only tells that there is more. */
export function keysetPage<E extends ObjectLiteral>(
  rows: E[],
  limit: number,
): { rows: E[]; has_more: boolean; next_cursor: string | null } {
  const has_more = rows.length > limit;
  const page = has_more ? rows.slice(0, limit) : rows;
  return { rows: page, has_more, next_cursor: has_more ? encodeCursor(page[page.length - 1].id as string) : null };
}

export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown };
    if (typeof parsed.id === 'string' && /^[a-z]+_[0-9a-z]{26}$/.test(parsed.id)) return parsed.id;
  } catch {
    // fall through
  }
  throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
}
