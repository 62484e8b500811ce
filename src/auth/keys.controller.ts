import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ListQueryDto } from '../common/pagination';
import { CreateKeyDto } from './dto/create-key.dto';
import { KeysService } from './keys.service';
import { Scopes } from './scopes';

@ApiTags('keys')
@ApiBearerAuth()
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @Scopes('keys:write')
  @ApiOperation({ summary: 'Create a gateway key; the key is in this response only' })
  create(@Body() dto: CreateKeyDto, @Req() request: FastifyRequest) {
    return this.keys.create(dto, request.apiKey!);
  }

  @Get()
  @Scopes('keys:write')
  @ApiOperation({ summary: 'List keys (never their secret part), newest first' })
  list(@Query() query: ListQueryDto) {
    return this.keys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('keys:write')
  @ApiOperation({ summary: 'Revoke a key; effective for the next request. Only keys whose every scope the caller holds (403 otherwise)' })
  async revoke(@Param('id') id: string, @Req() request: FastifyRequest): Promise<void> {
    await this.keys.revoke(id, request.apiKey!);
  }
}
