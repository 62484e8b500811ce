import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Scopes } from '../auth/scopes';
import { CallsService } from './calls.service';
import { ControlCallDto, CreateCallDto, GetCallDto, ListCallsDto } from './dto/call.dto';

@ApiTags('calls')
@ApiBearerAuth()
@Controller('v1/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  @Scopes('calls:write')
  @ApiOperation({ summary: 'Place a call (or up to 100: `to` as an array)' })
  create(@Body() dto: CreateCallDto, @Req() request: FastifyRequest) {
    return this.calls.create(dto, request.idempotency);
  }

  @Get()
  @Scopes('calls:read')
  @ApiOperation({ summary: 'List calls from the gateway cache, newest first; filter with metadata[key]=value' })
  list(@Query() query: ListCallsDto) {
    return this.calls.list(query);
  }

  @Get(':id')
  @Scopes('calls:read')
  get(@Param('id') id: string, @Query() query: GetCallDto) {
    return this.calls.get(id, query.refresh ?? false);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Scopes('calls:write')
  @ApiOperation({ summary: 'End a call; 409 once it has ended, 422 where the vendor cannot' })
  cancel(@Param('id') id: string) {
    return this.calls.cancel(id);
  }

  @Post(':id/control')
  @HttpCode(200)
  @Scopes('calls:write')
  @ApiOperation({ summary: 'Live control (say, inject_context, transfer, end) where the vendor offers it' })
  control(@Param('id') id: string, @Body() dto: ControlCallDto) {
    return this.calls.control(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('calls:write')
  @ApiOperation({ summary: 'Delete an ended call here and at the vendor where supported; 409 while active' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.calls.remove(id);
  }

  @Get(':id/events')
  @Scopes('calls:read')
  @ApiOperation({ summary: "The call's event timeline, oldest first" })
  events(@Param('id') id: string) {
    return this.calls.timeline(id);
  }
}
