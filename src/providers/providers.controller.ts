import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ApiErrors, ApiNoContent, ApiOk } from '../common/api-docs';
import { ListQueryDto } from '../common/pagination';
import { InRequest, RequestContext } from '../common/request-context';
import {
  CREATE_PROVIDER_EXAMPLES,
  CreateProviderDto,
  UPDATE_PROVIDER_EXAMPLES,
  UpdateProviderDto,
} from './dto/provider.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Post()
  @Scopes('providers:write')
  @ApiOperation({
    operationId: 'createProvider',
    summary: 'Add a vendor account; credentials are checked at the vendor first, write-only and encrypted at rest',
    description:
      'Scope `providers:write`. Unless `verify: false`, one read-only vendor request (list one call) checks the credentials first: a refused key is 422 on `credentials.api_key`, an unreachable vendor 503 `providers_unavailable`; either way nothing is stored.',
  })
  @ApiBody({ type: CreateProviderDto, examples: CREATE_PROVIDER_EXAMPLES })
  @ApiOk('Connection', { status: 201 })
  @ApiErrors('providers_unavailable')
  create(@Body() dto: CreateProviderDto, @InRequest() context?: RequestContext) {
    return this.providers.create(dto, 'api', context);
  }

  @Get()
  @Scopes('providers:read')
  @ApiOperation({
    operationId: 'listProviders',
    summary: 'List connections with their capabilities and health, newest first',
    description: 'Scope `providers:read`.',
  })
  @ApiOk('ConnectionList')
  list(@Query() query: ListQueryDto) {
    return this.providers.list(query);
  }

  @Get(':id')
  @Scopes('providers:read')
  @ApiOperation({
    operationId: 'getProvider',
    summary: 'One connection, with its capabilities and live health',
    description: 'Scope `providers:read`.',
  })
  @ApiOk('Connection')
  get(@Param('id') id: string) {
    return this.providers.get(id);
  }

  @Patch(':id')
  @Scopes('providers:write')
  @ApiOperation({
    operationId: 'updateProvider',
    summary: 'Change a connection (new credentials take effect on the next request)',
    description: 'Scope `providers:write`.',
  })
  @ApiBody({ type: UpdateProviderDto, examples: UPDATE_PROVIDER_EXAMPLES })
  @ApiOk('Connection')
  update(@Param('id') id: string, @Body() dto: UpdateProviderDto) {
    return this.providers.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('providers:write')
  @ApiOperation({
    operationId: 'deleteProvider',
    summary: 'Remove a connection; 409 while calls are active on it',
    description: 'Scope `providers:write`.',
  })
  @ApiNoContent()
  @ApiErrors('conflict')
  async remove(@Param('id') id: string, @InRequest() context?: RequestContext): Promise<void> {
    await this.providers.remove(id, context);
  }

  @Get(':id/agents')
  @Scopes('providers:read')
  @ApiOperation({
    operationId: 'listProviderAgents',
    summary: "The vendor's own agents, normalized (422 where the vendor has no such endpoint)",
    description: 'Scope `providers:read`. Asks the vendor.',
  })
  @ApiOk('VendorAgentList')
  @ApiErrors('capability_unsupported', 'provider_error', 'providers_unavailable', 'provider_timeout')
  agents(@Param('id') id: string, @InRequest() context?: RequestContext) {
    return this.providers.vendorAgents(id, context);
  }

  @Get(':id/numbers')
  @Scopes('providers:read')
  @ApiOperation({
    operationId: 'listProviderNumbers',
    summary: "The vendor's own numbers, normalized (422 where the vendor has no such endpoint)",
    description: 'Scope `providers:read`. Asks the vendor.',
  })
  @ApiOk('VendorNumberList')
  @ApiErrors('capability_unsupported', 'provider_error', 'providers_unavailable', 'provider_timeout')
  numbers(@Param('id') id: string, @InRequest() context?: RequestContext) {
    return this.providers.vendorNumbers(id, context);
  }
}
