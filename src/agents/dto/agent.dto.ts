import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { RoutingDto } from '../../routing/routing.dto';
import { ChecksFields, refuseNull } from '../../common/field-checks';

export class BindingDto {
  @ApiProperty({ example: 'con_01h455vb4pex5vsknk084sn02q' })
  @IsString()
  @MaxLength(64)
  connection_id: string;

  @ApiProperty({ description: "The agent's id at that vendor" })
  @IsString()
  @Length(1, 200)
  provider_agent_id: string;
}

export class CreateAgentDto {
  @ApiProperty({ example: 'Appointment reminder' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) system_prompt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2_000) first_message?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) voice?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) model?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: RoutingDto,
    description: "Routing defaults for this agent's calls; a create's own routing wins field by field",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingDto)
  routing?: RoutingDto;

  @ApiPropertyOptional({ type: [BindingDto], description: 'Link existing vendor agents' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BindingDto)
  bindings?: BindingDto[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Connections on which to create the agent (vendors that support it)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  provision?: string[];
}

@ChecksFields(refuseNull<UpdateAgentDto>('name'))
export class UpdateAgentDto extends PartialType(OmitType(CreateAgentDto, ['bindings', 'provision'] as const)) {}

/** Request examples for the reference; the e2e suite posts each one (with real ids) and expects no validation error. */
export const CREATE_AGENT_EXAMPLES = {
  linked: {
    summary: 'Link an agent that already exists at a vendor',
    value: {
      name: 'Appointment reminder',
      system_prompt: 'You remind patients of their appointments and confirm or reschedule them.',
      first_message: 'Hello, this is the clinic calling about your appointment.',
      metadata: { team: 'scheduling' },
      bindings: [{ connection_id: 'con_01jgz5z9c8b7a6s5d4f3g2h1j0', provider_agent_id: 'asst_42' }],
    },
  },
  provisioned: {
    summary: 'Create the agent at a vendor too',
    value: {
      name: 'Survey',
      system_prompt: 'You ask three short questions.',
      provision: ['con_01jgz5z9c8b7a6s5d4f3g2h1j0'],
    },
  },
};

export const UPDATE_AGENT_EXAMPLES = {
  prompt: {
    summary: 'Change the prompt (provisioned vendor agents follow)',
    value: { system_prompt: 'You remind patients and offer to reschedule.', metadata: { reviewed: 'yes' } },
  },
};
