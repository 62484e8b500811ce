import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import type { Logger } from 'pino';
import { loggerParams } from './common/logging';
import { ConfigModule } from './config/config.module';
import { ConfigVariables } from './config/config.variables';
import { GatewayMode } from './config/gateway-mode';
import { DatabaseModule, DatabaseTarget } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { AgentsModule } from './agents/agents.module';
import { CallsModule } from './calls/calls.module';
import { ProvidersModule } from './providers/providers.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { CredentialCipher } from './common/crypto/credential-cipher';
import { EventsModule } from './events/events.module';
import { InboundWebhooksModule } from './webhooks-inbound/inbound-webhooks.module';
import { ReconcilerModule } from './reconciler/reconciler.module';
import { HistorySyncModule } from './history-sync/history-sync.module';
import { DeliveryModule } from './delivery/delivery.module';
import { WebhookEndpointsModule } from './webhook-endpoints/webhook-endpoints.module';
import { OutageLogger } from './common/outage/outage-logger';
import { RedisModule } from './redis/redis.module';

export interface AppModuleOptions {
  /** The root logger, built before Nest (bootstrap.ts), whose Fastify hooks log each request with it. */
  logger: Logger;
  config: ConfigVariables;
  database: DatabaseTarget;
  mode: GatewayMode;
  secretKey: Buffer;
}

/** Composes the feature modules. Everything decided before Nest starts comes in here. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const shared = [
      { provide: GatewayMode, useValue: options.mode },
      { provide: CredentialCipher, useValue: new CredentialCipher(options.secretKey) },
      OutageLogger,
    ];
    return {
      module: AppModule,
      global: true,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggerModule.forRoot(loggerParams(options.logger)),
        DatabaseModule.forRoot(options.database),
        MetricsModule,
        RedisModule,
        AuthModule,
        IdempotencyModule,
        HealthModule,
        ProvidersModule,
        AgentsModule,
        CallsModule,
        EventsModule,
        DeliveryModule,
        WebhookEndpointsModule,
        InboundWebhooksModule,
        ReconcilerModule,
        HistorySyncModule,
        SandboxModule,
      ],
      providers: shared,
      exports: shared,
    };
  }
}
