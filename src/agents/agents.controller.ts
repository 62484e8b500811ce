import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ListQueryDto } from '../common/pagination';
import { AgentsService } from './agents.service';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @Scopes('agents:write')
  @ApiOperation({ summary: 'Create a logical agent; link vendor agents or provision new ones' })
  create(@Body() dto: CreateAgentDto) {
    return this.agents.create(dto);
  }

  @Get()
  @Scopes('agents:read')
  list(@Query() query: ListQueryDto) {
    return this.agents.list(query);
  }

  @Get(':id')
  @Scopes('agents:read')
  get(@Param('id') id: string) {
    return this.agents.get(id);
  }

  @Patch(':id')
  @Scopes('agents:write')
  @ApiOperation({ summary: 'Update; provisioned vendor agents follow, metadata merges' })
  update(@Param('id') id: string, @Body() dto: UpdateAgentDto) {
    return this.agents.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('agents:write')
  async remove(@Param('id') id: string): Promise<void> {
    await this.agents.remove(id);
  }
}
