import { Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RouteMetadata } from '../common/route-metadata';
import { ConfigVariables } from '../config/config.variables';
import { EventsModule } from '../events/events.module';
import { ApiKeyEntity } from './api-key.entity';
import { AuthGuard } from './auth.guard';
import { KeyThrottlerGuard } from './key-throttler.guard';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';
import { RATE_LIMIT_STORAGE, ThrottlerStorageModule } from './throttler-storage.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([ApiKeyEntity]),
    // The notifier: revocations on any instance clear this one's key cache.
    EventsModule,
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [ConfigVariables, RATE_LIMIT_STORAGE],
      useFactory: (config: ConfigVariables, storage: ThrottlerStorage) => ({
        throttlers: [
          { name: 'default', limit: config.RATE_LIMIT_PER_KEY, ttl: config.RATE_LIMIT_WINDOW_SECONDS * 1000 },
        ],
        // One budget per key across all routes (the stock key is per route).
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
        storage,
      }),
    }),
  ],
  controllers: [KeysController],
  providers: [
    KeysService,
    // The guards' Reflector: a route's metadata read once, not on every request.
    { provide: Reflector, useClass: RouteMetadata },
    // Order matters: the key must be known before its budget is charged.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: KeyThrottlerGuard },
  ],
  exports: [KeysService],
})
export class AuthModule {}
