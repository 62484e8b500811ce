import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiOk } from '../common/api-docs';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/scopes';

const READY_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('live')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'live', summary: 'The process is up' })
  @ApiOk('Live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ operationId: 'ready', summary: 'The database answers; 503 otherwise' })
  @ApiOk('Ready')
  @ApiOk('Ready', { status: 503, description: 'The database does not answer within 2 s' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await this.pingDatabase();
    if (database !== 'ok') reply.status(503);
    return { status: database === 'ok' ? 'ok' : 'unavailable', checks: { database } };
  }

  private async pingDatabase(): Promise<'ok' | 'unreachable'> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS))),
      ]);
      return 'ok';
    } catch {
      return 'unreachable';
    } finally {
      clearTimeout(timer);
    }
  }
}
