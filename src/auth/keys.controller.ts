import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiNoContent, ApiOk } from '../common/api-docs';
import type { FastifyRequest } from 'fastify';
import { ListQueryDto } from '../common/pagination';
import { CREATE_KEY_EXAMPLES, CreateKeyDto } from './dto/create-key.dto';
import { KeysService } from './keys.service';
import { Scopes } from './scopes';

@ApiTags('keys')
@ApiBearerAuth()
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @Scopes('keys:write')
  @ApiOperation({
    operationId: 'createKey',
    summary: 'Create a gateway key; the key is in this response only',
    description: 'Scope `keys:write`. A key can only grant scopes it holds itself (403 otherwise).',
  })
  @ApiBody({ type: CreateKeyDto, examples: CREATE_KEY_EXAMPLES })
  @ApiOk('KeyCreated', { status: 201 })
  create(@Body() dto: CreateKeyDto, @Req() request: FastifyRequest) {
    return this.keys.create(dto, request.apiKey!);
  }

  @Get()
  @Scopes('keys:write')
  @ApiOperation({
    operationId: 'listKeys',
    summary: 'List keys (never their secret part), newest first',
    description: 'Scope `keys:write`.',
  })
  @ApiOk('KeyList')
  list(@Query() query: ListQueryDto) {
    return this.keys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('keys:write')
  @ApiOperation({
    operationId: 'revokeKey',
    summary: 'Revoke a key; effective for the next request, on every instance',
    description: 'Scope `keys:write`. Only keys whose every scope the caller holds (403 otherwise).',
  })
  @ApiNoContent()
  async revoke(@Param('id') id: string, @Req() request: FastifyRequest): Promise<void> {
    await this.keys.revoke(id, request.apiKey!);
  }
}
