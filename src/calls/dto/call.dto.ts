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
import { ChecksFields } from '../../common/field-checks';
import { ListQueryDto } from '../../common/pagination';
import { checkCallInput } from '../call-input';
import { RoutingDto } from '../../routing/routing.dto';

export class CustomerDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
}

@ChecksFields((dto: CreateCallDto) => checkCallInput(dto).problems)
export class CreateCallDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 100 }],
    example: '+1 (555) 123-4567',
    description:
      'E.164 in common human formats (normalized; any number libphonenumber calls possible) or a `sip:` URI where the vendor takes SIP. An array places one call per element and answers CallBatch',
  })
  @Allow()
  to: string | string[];

  @ApiProperty({
    example: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0',
    maxLength: 64,
    description: 'A logical agent (GET /v1/agents)',
  })
  @IsString()
  @MaxLength(64)
  agent_id: string;
  @ApiPropertyOptional({ description: "Caller number; default: the connection's defaults.from", maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  from?: string;
  @ApiPropertyOptional({
    description: "A connection id (`con_…`) or a provider name (`hmsovereign`): only that connection, or that vendor's",
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;
  @ApiPropertyOptional({ type: RoutingDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingDto)
  routing?: RoutingDto;
  @ApiPropertyOptional({ type: CustomerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;
  @ApiPropertyOptional({ maxLength: 10_000, description: 'Facts for the agent about this call' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  context?: string;
  @ApiPropertyOptional({ maxLength: 2_000, description: "Overrides the agent's first message" })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  first_message?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Template variables for the agent',
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, string>;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() record?: boolean;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 10,
    maximum: 14_400,
    example: 600,
    description: 'Ends the call after this many seconds, where the vendor can',
  })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(14_400)
  max_duration_seconds?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 500 },
    maxProperties: 50,
    description: 'Yours to filter on (GET /v1/calls?metadata[key]=value): ≤ 50 keys, string values ≤ 500 characters',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;
  @ApiPropertyOptional({ description: "Gets this call's events, signed with GET /v1/webhook-endpoints/default-secret" })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  webhook_url?: string;
}

export class ListCallsDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: CALL_STATUSES }) @IsOptional() @IsIn(CALL_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() provider?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() connection_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() agent_id?: string;
  @ApiPropertyOptional({ enum: ['outbound', 'inbound'] })
  @IsOptional()
  @IsIn(['outbound', 'inbound'])
  direction?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() to?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() from?: string;
  @ApiPropertyOptional({
    description:
      'Number or id search: a call id, a vendor call id (exact), or a number or part of one ' +
      '(3 digits or more, spaces, dashes, dots and brackets ignored) found in `to` or `from`',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() created_after?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() created_before?: string;
  @ApiPropertyOptional({ description: 'metadata[key]=value' }) @IsOptional() @IsObject() metadata?: Record<
    string,
    string
  >;
}

export class GetCallDto {
  @ApiPropertyOptional({
    type: 'boolean',
    description:
      'Read the vendor first (reads are otherwise served from the gateway, kept current by webhooks and the reconciler)',
  })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  refresh?: boolean;
}

export class ControlCallDto {
  @ApiProperty({ enum: ['say', 'inject_context', 'transfer', 'end'] })
  @IsIn(['say', 'inject_context', 'transfer', 'end'])
  action: 'say' | 'inject_context' | 'transfer' | 'end';
  @ApiPropertyOptional({ maxLength: 5_000, description: 'say, inject_context: what to say or add' })
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  text?: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'transfer: the number or SIP URI to transfer to' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  to?: string;
}

/** Request examples for the reference; the e2e suite posts each one (with real ids) and expects no validation error. */
export const CREATE_CALL_EXAMPLES = {
  one: {
    summary: 'One call',
    value: {
      to: '+1 (555) 010-2030',
      agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0',
      customer: { name: 'Ada Lovelace' },
      context: 'Appointment on Tuesday at 10:00',
      metadata: { order_id: 'A-1001' },
      max_duration_seconds: 600,
    },
  },
  batch: {
    summary: 'A batch: one call per number',
    value: { to: ['+15550102030', '+15550102031'], agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0' },
  },
  routed: {
    summary: 'Routing: cheapest connection first, failing over',
    value: {
      to: '+15550102030',
      agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0',
      routing: { strategy: 'least_cost', failover: true },
    },
  },
};

export const CONTROL_CALL_EXAMPLES = {
  say: {
    summary: 'Say something now',
    value: { action: 'say', text: 'One moment please, I am checking that for you.' },
  },
  transfer: { summary: 'Transfer', value: { action: 'transfer', to: '+15550109999' } },
  end: { summary: 'Hang up', value: { action: 'end' } },
};
