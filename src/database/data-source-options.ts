import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import type { EmbeddedPostgres } from './embedded-postgres';

/**
 * One description of the database for the app, the CLI and the tests. Migrations run at
 * start; `synchronize` is never used. The embedded engine goes through PGlite's own `pg`
 * adapter with a pool of one, the only combination measured safe (DATABASE.md).
 */
export function dataSourceOptions(target: { url: string } | { embedded: EmbeddedPostgres }): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    connectTimeoutMS: 5_000,
    logging: false,
  };
  if ('url' in target) {
    return { ...common, url: target.url, poolSize: 10, extra: { idleTimeoutMillis: 30_000, application_name: 'switchboard' } };
  }
  return { ...common, poolSize: 1, extra: createPgConfig(target.embedded.pglite) };
}
