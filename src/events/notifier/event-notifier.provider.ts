import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConfigVariables } from '../../config/config.variables';
import { EMBEDDED_POSTGRES } from '../../database/database.module';
import type { EmbeddedPostgres } from '../../database/embedded-postgres';
import { EmbeddedEventNotifier } from './embedded-event-notifier';
import { EVENT_NOTIFIER } from './event-notifier';
import { PostgresEventNotifier } from './postgres-event-notifier';

/** The notifier of the database this instance runs on, decided where the database is (bootstrap). */
export const eventNotifierProvider: Provider = {
  provide: EVENT_NOTIFIER,
  inject: [EMBEDDED_POSTGRES, ConfigVariables, getDataSourceToken()],
  useFactory: (embedded: EmbeddedPostgres | null, config: ConfigVariables, dataSource: DataSource) =>
    embedded ? new EmbeddedEventNotifier(embedded.pglite, dataSource) : new PostgresEventNotifier(config.DATABASE_URL!),
};
