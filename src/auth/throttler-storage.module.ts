import { Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { ConfigVariables } from '../config/config.variables';
import { RedisThrottlerStorage } from './redis-throttler.storage';

export const RATE_LIMIT_STORAGE = 'RATE_LIMIT_STORAGE';

/** Redis when REDIS_URL is set (shared by all instances), memory otherwise. */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [ConfigVariables],
      useFactory: (config: ConfigVariables) =>
        config.REDIS_URL ? new RedisThrottlerStorage(config.REDIS_URL) : new ThrottlerStorageService(),
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class ThrottlerStorageModule {}
