import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiOk } from '../common/api-docs';
import { IsDateString, IsOptional } from 'class-validator';
import { Scopes } from '../auth/scopes';
import { HistorySyncService } from './history-sync.service';

export class SyncDto {
  @ApiPropertyOptional({
    description: 'Import vendor calls created after this time (ISO 8601); default: as far back as the vendor lists',
  })
  @IsOptional()
  @IsDateString()
  since?: string;
}

@ApiTags('providers')
@ApiBearerAuth()
@Controller('v1/providers')
export class HistorySyncController {
  constructor(private readonly sync: HistorySyncService) {}

  @Post(':id/sync')
  @HttpCode(202)
  @Scopes('providers:write')
  @ApiOperation({
    operationId: 'syncProvider',
    summary: "Import the vendor's call history; progress in the connection's `sync` field",
    description:
      'Scope `providers:write`. Calls already known are matched, never duplicated. A sync already running is answered as it stands.',
  })
  @ApiBody({
    type: SyncDto,
    required: false,
    examples: {
      since: { summary: 'Calls of this year', value: { since: '2026-01-01T00:00:00Z' } },
      all: { summary: 'As far back as the vendor lists', value: {} },
    },
  })
  @ApiOk('ProviderSync', { status: 202, description: 'Accepted: the import runs in the background' })
  @ApiErrors('capability_unsupported')
  start(@Param('id') id: string, @Body() dto: SyncDto) {
    return this.sync.start(id, dto.since ? new Date(dto.since) : null);
  }
}
