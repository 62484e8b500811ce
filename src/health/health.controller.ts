import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiOk } from '../common/api-docs';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/scopes';
import { DATABASE_RETRY_AFTER_SECONDS } from '../common/error-response';
import { OutageLogger } from '../common/outage/outage-logger';
import { markOutageRefusal } from '../common/outage/outage-refusal';
import { RedisConnections } from '../redis/redis-connections';
import { readiness } from './readiness';

const READY_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnections,
    private readonly outages: OutageLogger,
  ) {}

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
  @ApiOperation({
    operationId: 'ready',
    summary:
      'Can this instance serve? 503 while the database is unreachable; 200 "degraded" while Redis (REDIS_URL) is',
  })
  @ApiOk('Ready')
  @ApiOk('Ready', { status: 503, description: 'The database does not answer' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, redis] = await Promise.all([this.pingDatabase(), this.redis.state()]);
    const verdict = readiness(database, redis);
    reply.status(verdict.httpStatus);
    if (verdict.httpStatus === 503) {
      reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      markOutageRefusal(reply.raw);
    }
    return verdict.body;
  }

  private async pingDatabase(): Promise<'ok' | 'unreachable'> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error('no answer to SELECT 1 within 2 s')), READY_TIMEOUT_MS)),
        ),
      ]);
      this.outages.succeeded('database');
      return 'ok';
    } catch (e) {
      this.outages.failed('database', e);
      return 'unreachable';
    } finally {
      clearTimeout(timer);
    }
  }
}
