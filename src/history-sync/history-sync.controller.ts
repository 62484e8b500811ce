import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import { Scopes } from '../auth/scopes';
import { HistorySyncService } from './history-sync.service';

export class SyncDto {
  @ApiPropertyOptional({ description: 'Import vendor calls created after this time (ISO 8601); default: as far back as the vendor lists' })
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
  @ApiOperation({ summary: "Import the vendor's call history; progress in the connection's `sync` field" })
  start(@Param('id') id: string, @Body() dto: SyncDto) {
    return this.sync.start(id, dto.since ? new Date(dto.since) : null);
  }
}
