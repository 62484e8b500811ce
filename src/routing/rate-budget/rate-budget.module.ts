import { Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ConfigVariables } from '../../config/config.variables';
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
      inject: [ConfigVariables],
      // Its own client: the per-key throttler's is private to auth, and a second connection costs nothing.
      useFactory: (config: ConfigVariables) => (config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 }) : null),
    },
    {
      provide: RATE_BUDGET_STORE,
      inject: [BUDGET_REDIS, DataSource],
      useFactory: (redis: Redis | null, dataSource: DataSource) => (redis ? new RedisRateBudgetStore(redis) : new PostgresRateBudgetStore(dataSource)),
    },
    RateBudgets,
  ],
  exports: [RateBudgets],
})
export class RateBudgetModule implements OnApplicationShutdown {
  constructor(@Inject(BUDGET_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
