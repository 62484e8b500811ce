import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Scopes } from '../auth/scopes';
import { ApiErrors, ApiNoContent, ApiOk, ref } from '../common/api-docs';
import { InRequest, RequestContext } from '../common/request-context';
import { IdempotencyGate, OpensIdempotencyGate } from '../idempotency/idempotency.gate';
import { CallsService } from './calls.service';
import {
  CONTROL_CALL_EXAMPLES,
  CREATE_CALL_EXAMPLES,
  ControlCallDto,
  CreateCallDto,
  GetCallDto,
  ListCallsDto,
} from './dto/call.dto';

@ApiTags('calls')
@ApiBearerAuth()
@Controller('v1/calls')
export class CallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly idempotency: IdempotencyGate,
  ) {}

  @Post()
  @Scopes('calls:write')
  @ApiOperation({
    operationId: 'createCall',
    summary: 'Place a call (or up to 100: `to` as an array)',
    description:
      "Scope `calls:write`. Routes over the agent's bindings (narrowed by `provider` / `routing`) and fails over where nothing was placed. " +
      'An ambiguous create (the vendor did not answer in time) is looked up at that vendor before anything else is dialled; if it stays unknown the answer is 504 with the stored call in `details`. ' +
      'Send an Idempotency-Key: a retried create never dials twice.',
  })
  @ApiBody({ type: CreateCallDto, examples: CREATE_CALL_EXAMPLES })
  @ApiOk(
    { oneOf: [ref('Call'), ref('CallBatch')] },
    { status: 201, description: 'The call; with `to` as an array, CallBatch' },
  )
  @ApiErrors('capability_unsupported', 'provider_error', 'providers_unavailable', 'provider_timeout')
  // The hot path opens the idempotency gate itself rather than through an interceptor, which
  // would put every create through rxjs. The body is validated before the key is looked at: a
  // refused body changed nothing, and the interceptor would have released its key anyway.
  @OpensIdempotencyGate()
  create(@Body() dto: CreateCallDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.idempotency.run(request, reply, HttpStatus.CREATED, () =>
      this.calls.create(dto, request.idempotency, request.requestContext),
    );
  }

  @Get()
  @Scopes('calls:read')
  @ApiOperation({
    operationId: 'listCalls',
    summary: 'List calls, newest first; filter with metadata[key]=value',
    description: 'Scope `calls:read`. Served from the gateway: vendors are not asked.',
  })
  @ApiOk('CallList')
  list(@Query() query: ListCallsDto) {
    return this.calls.list(query);
  }

  @Get(':id')
  @Scopes('calls:read')
  @ApiOperation({
    operationId: 'getCall',
    summary: 'One call',
    description: 'Scope `calls:read`. From the gateway; `?refresh=true` reads the vendor first.',
  })
  @ApiOk('Call')
  @ApiErrors('provider_error', 'providers_unavailable', 'provider_timeout')
  get(@Param('id') id: string, @Query() query: GetCallDto, @InRequest() context?: RequestContext) {
    return this.calls.get(id, query.refresh ?? false, context);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Scopes('calls:write')
  @ApiOperation({
    operationId: 'cancelCall',
    summary: 'End a call; 409 once it has ended, 422 where the vendor cannot',
    description: 'Scope `calls:write`.',
  })
  @ApiOk('Call')
  @ApiErrors('conflict', 'capability_unsupported', 'provider_error', 'providers_unavailable', 'provider_timeout')
  cancel(@Param('id') id: string, @InRequest() context?: RequestContext) {
    return this.calls.cancel(id, context);
  }

  @Post(':id/control')
  @HttpCode(200)
  @Scopes('calls:write')
  @ApiOperation({
    operationId: 'controlCall',
    summary: 'Live control (say, inject_context, transfer, end) where the vendor offers it',
    description:
      "Scope `calls:write`. Only while the call is `ringing` or `in_progress` (409 otherwise); the connection's `capabilities.control` lists what its vendor takes (422 otherwise).",
  })
  @ApiBody({ type: ControlCallDto, examples: CONTROL_CALL_EXAMPLES })
  @ApiOk('Call')
  @ApiErrors('conflict', 'capability_unsupported', 'provider_error', 'providers_unavailable', 'provider_timeout')
  control(@Param('id') id: string, @Body() dto: ControlCallDto, @InRequest() context?: RequestContext) {
    return this.calls.control(id, dto, context);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('calls:write')
  @ApiOperation({
    operationId: 'deleteCall',
    summary: 'Delete an ended call here and at the vendor where supported; 409 while active',
    description: 'Scope `calls:write`. Its events stay in the log and `call.deleted` is appended.',
  })
  @ApiNoContent()
  @ApiErrors('conflict', 'provider_error', 'providers_unavailable', 'provider_timeout')
  async remove(@Param('id') id: string, @InRequest() context?: RequestContext): Promise<void> {
    await this.calls.remove(id, context);
  }

  @Get(':id/events')
  @Scopes('calls:read')
  @ApiOperation({
    operationId: 'listCallEvents',
    summary: "The call's event timeline, oldest first",
    description: 'Scope `calls:read`.',
  })
  @ApiOk('CallTimeline')
  events(@Param('id') id: string) {
    return this.calls.timeline(id);
  }
}
