import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CALL_STATUSES } from '@switchboard/core';
import { ListQueryDto } from '../../common/pagination';
import { RoutingDto } from '../../routing/routing.dto';

export class CustomerDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
}

export class CreateCallDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 100 }], example: '+1 (555) 123-4567' })
  @Allow()
  to: string | string[];

  @ApiProperty({ example: 'agt_01h455vb4pex5vsknk084sn02q' }) @IsString() @MaxLength(64) agent_id: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) from?: string;
  @ApiPropertyOptional({ description: 'A connection id or a provider name' }) @IsOptional() @IsString() @MaxLength(64) provider?: string;
  @ApiPropertyOptional({ type: RoutingDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => RoutingDto) routing?: RoutingDto;
  @ApiPropertyOptional({ type: CustomerDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => CustomerDto) customer?: CustomerDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000) context?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2_000) first_message?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() variables?: Record<string, string>;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() record?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(10) @Max(14_400) max_duration_seconds?: number;
  @ApiPropertyOptional({ description: '≤ 50 keys, string values ≤ 500 characters' }) @IsOptional() @IsObject() metadata?: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) webhook_url?: string;
}

export class ListCallsDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: CALL_STATUSES }) @IsOptional() @IsIn(CALL_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() provider?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() connection_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() agent_id?: string;
  @ApiPropertyOptional({ enum: ['outbound', 'inbound'] }) @IsOptional() @IsIn(['outbound', 'inbound']) direction?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() to?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() from?: string;
  @ApiPropertyOptional({ description: 'Number or id search' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() created_after?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() created_before?: string;
  @ApiPropertyOptional({ description: 'metadata[key]=value' }) @IsOptional() @IsObject() metadata?: Record<string, string>;
}

export class GetCallDto {
  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => value === 'true' || value === true) @IsBoolean() refresh?: boolean;
}

export class ControlCallDto {
  @ApiProperty({ enum: ['say', 'inject_context', 'transfer', 'end'] }) @IsIn(['say', 'inject_context', 'transfer', 'end']) action: 'say' | 'inject_context' | 'transfer' | 'end';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5_000) text?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) to?: string;
}
