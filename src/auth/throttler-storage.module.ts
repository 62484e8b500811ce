import { Module } from '@nestjs/common';
import { OutageLogger } from '../common/outage/outage-logger';
import { RedisConnections } from '../redis/redis-connections';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

export const RATE_LIMIT_STORAGE = 'RATE_LIMIT_STORAGE';

/** Redis when REDIS_URL is set (shared by all instances; per instance while it is unreachable), memory otherwise. */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [RedisConnections, OutageLogger],
      useFactory: (connections: RedisConnections, outages: OutageLogger) => {
        const redis = connections.open();
        return redis ? new RedisThrottlerStorage(redis, outages) : new MemoryThrottlerStorage();
      },
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class ThrottlerStorageModule {}
