import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PROVIDER_NAMES, RegisteredProviderName } from '@switchboard/providers';
import { MAX_RATE_LIMIT, RATE_LIMIT_OVERRIDE_KEYS } from '../../routing/rate-budget/rate-budget-windows';
import { ChecksFields, refuseNull } from '../../common/field-checks';

export class CredentialsDto {
  @ApiProperty({ description: 'The vendor API key (write-only: never returned)', writeOnly: true })
  @IsString()
  @Length(1, 500)
  api_key: string;
}

export class ConnectionDefaultsDto {
  @ApiPropertyOptional({ description: 'Vendor caller-number id (Kalem number_id, HMS number_id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  number_id?: string;

  @ApiPropertyOptional({ description: 'Vendor SIP trunk id (Kalem, required there for E.164 destinations)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  trunk_id?: string;

  @ApiPropertyOptional({ description: 'Caller number in E.164' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  from?: string;
}

/**
 * `rate_limits`: `<scope>_per_<second|minute|hour|day>` → limit. Each replaces the vendor's
 * documented window of that scope and length (or adds one); 0 removes it. One property per
 * key, so an unknown key is refused by name (`rate_limits.calls_per_week`).
 */
export class RateLimitsDto {
  [key: string]: number | undefined;
}
for (const key of RATE_LIMIT_OVERRIDE_KEYS) {
  const decorate = (decorator: PropertyDecorator) => decorator(RateLimitsDto.prototype, key);
  decorate(ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_RATE_LIMIT }));
  decorate(IsOptional());
  decorate(IsInt({ message: `$property must be an integer from 0 (no limit) to ${MAX_RATE_LIMIT}` }));
  decorate(Min(0, { message: `$property must be an integer from 0 (no limit) to ${MAX_RATE_LIMIT}` }));
  decorate(Max(MAX_RATE_LIMIT, { message: `$property must be an integer from 0 (no limit) to ${MAX_RATE_LIMIT}` }));
}

export class CreateProviderDto {
  @ApiProperty({ enum: PROVIDER_NAMES })
  @IsIn(PROVIDER_NAMES)
  provider: RegisteredProviderName;

  @ApiProperty({ example: 'Kalem production' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ type: CredentialsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialsDto)
  credentials: CredentialsDto;

  @ApiPropertyOptional({ description: "The vendor's API root; defaults to its production URL" })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  base_url?: string;

  @ApiPropertyOptional({ type: ConnectionDefaultsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectionDefaultsDto)
  defaults?: ConnectionDefaultsDto;

  @ApiPropertyOptional({ description: 'Lower is tried first', default: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  weight?: number;

  @ApiPropertyOptional({ description: 'USD per minute, for least_cost routing' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  // The column is numeric(10,4).
  @Max(999_999)
  cost_per_minute?: number;

  @ApiPropertyOptional({
    type: RateLimitsDto,
    description:
      "Rate budgets the gateway keeps for this account, shared by all instances, replacing the vendor's documented limit of the same scope and window (0 removes it). " +
      'Keys: <scope>_per_<second|minute|hour|day>, scope one of requests, reads, calls, agent_creates, agent_updates, control; e.g. { "calls_per_minute": 10 }',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitsDto)
  rate_limits?: Record<string, number>;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: true,
    description:
      'Check the credentials with one cheap read-only vendor request (list one call) before storing: a refused key answers 422 on credentials.api_key, ' +
      'an unreachable vendor 503 providers_unavailable, and nothing is stored. false stores the connection unchecked. Not stored; ignored for connections declared in the config file.',
  })
  @IsOptional()
  @IsBoolean()
  verify?: boolean;
}

@ChecksFields(refuseNull<UpdateProviderDto>('name', 'credentials', 'priority', 'weight', 'enabled', 'rate_limits'))
export class UpdateProviderDto extends PartialType(OmitType(CreateProviderDto, ['provider', 'verify'] as const)) {}

/**
 * Request examples for the reference; the e2e suite posts each one and expects no validation error.
 * Their keys are placeholders, so they are stored unchecked (`verify: false`); a real key is
 * better sent without it, to have the vendor check it first.
 */
export const CREATE_PROVIDER_EXAMPLES = {
  kalem: {
    summary: 'A Kalem account',
    value: {
      provider: 'kalem',
      name: 'Kalem main',
      credentials: { api_key: 'kalem_live_5f2b…' },
      defaults: { number_id: '7', trunk_id: '2' },
      priority: 1,
      cost_per_minute: 0.27,
      verify: false,
    },
  },
  budget: {
    summary: 'A backup account kept to a trickle, stored without asking the vendor first (verify: false)',
    value: {
      provider: 'hmsovereign',
      name: 'HMS backup',
      credentials: { api_key: 'hms_9c1d…' },
      priority: 2,
      rate_limits: { calls_per_minute: 10, calls_per_day: 0 },
      verify: false,
    },
  },
};

export const UPDATE_PROVIDER_EXAMPLES = {
  priority: { summary: 'Try it later, and record its price', value: { priority: 5, cost_per_minute: 0.31 } },
  credentials: { summary: 'A new API key', value: { credentials: { api_key: 'kalem_live_8e0a…' } } },
};
