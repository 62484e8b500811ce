import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { STRATEGIES, Strategy } from './routing-plan';

/** `routing` on a create, and an agent's routing defaults (the create's own fields win). */
export class RoutingDto {
  @ApiPropertyOptional({
    enum: STRATEGIES,
    description:
      'priority (lowest first), weighted (random by weight), least_cost (cost_per_minute), pinned (exactly one connection, no failover)',
  })
  @IsOptional()
  @IsIn(STRATEGIES)
  strategy?: Strategy;

  @ApiPropertyOptional({ type: [String], description: 'Only these connections, in the order the strategy gives' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  connections?: string[];

  @ApiPropertyOptional({ default: true, description: 'Try the next connection when one fails retryably' })
  @IsOptional()
  @IsBoolean()
  failover?: boolean;
}
