import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { InRequest, RequestContext } from '../common/request-context';
import { ApiErrors, ApiNoContent, ApiOk } from '../common/api-docs';
import { ListQueryDto } from '../common/pagination';
import { AgentsService } from './agents.service';
import { CREATE_AGENT_EXAMPLES, CreateAgentDto, UPDATE_AGENT_EXAMPLES, UpdateAgentDto } from './dto/agent.dto';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @Scopes('agents:write')
  @ApiOperation({
    operationId: 'createAgent',
    summary: 'Create a logical agent; link vendor agents or provision new ones',
    description:
      'Scope `agents:write`. `provision` creates the agent at vendors that support it (422 capability_unsupported elsewhere, before anything is created).',
  })
  @ApiBody({ type: CreateAgentDto, examples: CREATE_AGENT_EXAMPLES })
  @ApiOk('Agent', { status: 201 })
  @ApiErrors('capability_unsupported', 'provider_error', 'providers_unavailable', 'provider_timeout')
  create(@Body() dto: CreateAgentDto, @InRequest() context?: RequestContext) {
    return this.agents.create(dto, 'api', context);
  }

  @Get()
  @Scopes('agents:read')
  @ApiOperation({
    operationId: 'listAgents',
    summary: 'List agents, newest first',
    description: 'Scope `agents:read`.',
  })
  @ApiOk('AgentList')
  list(@Query() query: ListQueryDto) {
    return this.agents.list(query);
  }

  @Get(':id')
  @Scopes('agents:read')
  @ApiOperation({ operationId: 'getAgent', summary: 'One agent', description: 'Scope `agents:read`.' })
  @ApiOk('Agent')
  get(@Param('id') id: string) {
    return this.agents.get(id);
  }

  @Patch(':id')
  @Scopes('agents:write')
  @ApiOperation({
    operationId: 'updateAgent',
    summary: 'Update; provisioned vendor agents follow, metadata merges',
    description: 'Scope `agents:write`.',
  })
  @ApiBody({ type: UpdateAgentDto, examples: UPDATE_AGENT_EXAMPLES })
  @ApiOk('Agent')
  @ApiErrors('provider_error', 'providers_unavailable', 'provider_timeout')
  update(@Param('id') id: string, @Body() dto: UpdateAgentDto, @InRequest() context?: RequestContext) {
    return this.agents.update(id, dto, context);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('agents:write')
  @ApiOperation({
    operationId: 'deleteAgent',
    summary: 'Delete an agent (vendor agents stay at their vendor)',
    description: 'Scope `agents:write`.',
  })
  @ApiNoContent()
  async remove(@Param('id') id: string): Promise<void> {
    await this.agents.remove(id);
  }
}
