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
import { PROVIDER_NAMES, ProviderName } from '@switchboard/core';

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

export class CreateProviderDto {
  @ApiProperty({ enum: PROVIDER_NAMES })
  @IsIn(PROVIDER_NAMES)
  provider: ProviderName;

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
  cost_per_minute?: number;

  @ApiPropertyOptional({ description: 'Budgets the gateway keeps for this account, e.g. { "requests_per_minute": 60 }' })
  @IsOptional()
  @IsObject()
  rate_limits?: Record<string, number>;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateProviderDto extends PartialType(OmitType(CreateProviderDto, ['provider'] as const)) {}
