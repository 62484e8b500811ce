import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ListQueryDto } from '../../common/pagination';
import { ChecksFields, refuseNull } from '../../common/field-checks';

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://example.com/switchboard/webhooks',
    description:
      'http(s). Outside sandbox mode, URLs resolving to loopback, private, link-local, unique-local, CGNAT, multicast or unspecified addresses are refused.',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({
    example: ['call.*'],
    description: 'Event types, exact or `call.*`; empty or absent = every event',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^[a-z_]+(\.[a-z_]+|\.\*)?$|^\*$/, {
    each: true,
    message: 'each value must be an event type or a pattern such as call.*',
  })
  event_types?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

@ChecksFields(refuseNull<UpdateWebhookEndpointDto>('url', 'enabled', 'event_types'))
export class UpdateWebhookEndpointDto extends PartialType(CreateWebhookEndpointDto) {}

export class ReplayDto {
  @ApiProperty({ description: 'Deliver again every subscribed event with a sequence above this one' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after_sequence: number;
}

export class RedeliverDto {
  @ApiPropertyOptional({
    description:
      'Only to this endpoint; absent = every endpoint subscribed to the event now, and its call’s webhook_url',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  endpoint_id?: string;
}

export class ListDeliveriesDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'failed'])
  status?: 'pending' | 'succeeded' | 'failed';
}

/** Request examples for the reference; the e2e suite posts each one (with real ids) and expects no validation error. */
export const CREATE_WEBHOOK_ENDPOINT_EXAMPLES = {
  all: {
    summary: 'Every call event',
    value: { url: 'https://example.com/switchboard/webhooks', event_types: ['call.*'], description: 'CRM sync' },
  },
  outcomes: {
    summary: 'Only how calls ended',
    value: {
      url: 'https://example.com/switchboard/outcomes',
      event_types: ['call.completed', 'call.failed', 'call.no_answer', 'call.busy'],
    },
  },
};

export const UPDATE_WEBHOOK_ENDPOINT_EXAMPLES = {
  enable: { summary: 'Enable again after the gateway disabled it', value: { enabled: true } },
  types: {
    summary: 'Change the subscription',
    value: { event_types: ['call.completed'], description: 'Completed calls only' },
  },
};

export const REPLAY_EXAMPLES = {
  since: { summary: 'Everything after sequence 1200', value: { after_sequence: 1200 } },
};

export const REDELIVER_EXAMPLES = {
  everyone: { summary: 'To every endpoint subscribed now, and the call’s webhook_url', value: {} },
  one: { summary: 'To one endpoint', value: { endpoint_id: 'whe_01jgz6c1d2e3f4g5h6j7k8m9n0' } },
};
