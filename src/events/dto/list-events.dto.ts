import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `GET /v1/events`: ascending by sequence, resumed with `after` (or the returned cursor). */
export class ListEventsDto {
  @ApiPropertyOptional({ description: 'Return events with a sequence above this one' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Past this a number is no longer exact in JavaScript, and far past it no bigint holds it.
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page (same as after=<its last sequence>)' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,18}$/, { message: 'is not a cursor this API returned' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Event types, comma-separated; `call.*` matches every call event' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(/^[a-z_.*]+(,[a-z_.*]+)*$/, { message: 'must be event types separated by commas' })
  type?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) call_id?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
