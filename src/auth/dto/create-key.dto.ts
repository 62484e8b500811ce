import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { SCOPES, Scope } from '../scopes';

export class CreateKeyDto {
  @ApiProperty({ example: 'billing-service', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['calls:read', 'calls:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes: Scope[];
}

/** Request examples for the reference; the e2e suite posts each one and expects no validation error. */
export const CREATE_KEY_EXAMPLES = {
  service: {
    summary: 'A service that places and reads calls',
    value: { name: 'billing-service', scopes: ['calls:read', 'calls:write'] },
  },
  consumer: { summary: 'A read-only event consumer', value: { name: 'analytics', scopes: ['events:read'] } },
};
