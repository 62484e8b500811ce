import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisConnections } from '../../redis/redis-connections';
import { PostgresRateBudgetStore } from './postgres-rate-budget.store';
import { RateBudgets } from './rate-budgets.service';
import { RATE_BUDGET_STORE } from './rate-budget.store';
import { RedisRateBudgetStore } from './redis-rate-budget.store';

const BUDGET_REDIS = Symbol('BUDGET_REDIS');

/** Vendor rate budgets: in Redis when REDIS_URL is set, in the database otherwise. */
@Module({
  providers: [
    {
      provide: BUDGET_REDIS,
      inject: [RedisConnections],
      // Its own client (its scripts are defined on it); RedisConnections closes it. While Redis
      // is unreachable its commands fail at once and vendor requests are refused (503).
      useFactory: (connections: RedisConnections) => connections.open(),
    },
    {
      provide: RATE_BUDGET_STORE,
      inject: [BUDGET_REDIS, DataSource],
      useFactory: (redis: Redis | null, dataSource: DataSource) =>
        redis ? new RedisRateBudgetStore(redis) : new PostgresRateBudgetStore(dataSource),
    },
    RateBudgets,
  ],
  exports: [RateBudgets],
})
export class RateBudgetModule {}
