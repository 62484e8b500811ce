import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ListQueryDto } from '../common/pagination';
import { CreateProviderDto, UpdateProviderDto } from './dto/provider.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Post()
  @Scopes('providers:write')
  @ApiOperation({ summary: 'Add a vendor account; credentials are write-only and encrypted at rest' })
  create(@Body() dto: CreateProviderDto) {
    return this.providers.create(dto);
  }

  @Get()
  @Scopes('providers:read')
  list(@Query() query: ListQueryDto) {
    return this.providers.list(query);
  }

  @Get(':id')
  @Scopes('providers:read')
  get(@Param('id') id: string) {
    return this.providers.get(id);
  }

  @Patch(':id')
  @Scopes('providers:write')
  update(@Param('id') id: string, @Body() dto: UpdateProviderDto) {
    return this.providers.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('providers:write')
  @ApiOperation({ summary: 'Remove a connection; 409 while calls are active on it' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.providers.remove(id);
  }

  @Get(':id/agents')
  @Scopes('providers:read')
  @ApiOperation({ summary: "The vendor's own agents, normalized (422 where the vendor has no such endpoint)" })
  agents(@Param('id') id: string) {
    return this.providers.vendorAgents(id);
  }

  @Get(':id/numbers')
  @Scopes('providers:read')
  @ApiOperation({ summary: "The vendor's own numbers, normalized (422 where the vendor has no such endpoint)" })
  numbers(@Param('id') id: string) {
    return this.providers.vendorNumbers(id);
  }
}
