import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import type { EmbeddedPostgres } from './embedded-postgres';

/**
 * One description of the database for the app, the CLI and the tests. Migrations run at
 * start (runMigrationsLocked); `synchronize` is never used. The embedded engine goes through PGlite's own `pg`
 * adapter with a pool of one, the only combination found safe (docs/embedded-database.md).
 */
export function dataSourceOptions(target: { url: string } | { embedded: EmbeddedPostgres }): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Run by runMigrationsLocked at start (and by the CLI), so instances never race on them.
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    connectTimeoutMS: 5_000,
    logging: false,
  };
  if ('url' in target) {
    // connectTimeoutMS (pg's connectionTimeoutMillis) also bounds the wait for a pooled
    // connection, so a request never hangs on an unreachable database longer than that;
    // keepAlive finds pooled sockets the network dropped without a word.
    return {
      ...common,
      url: target.url,
      poolSize: 10,
      extra: { idleTimeoutMillis: 30_000, application_name: 'switchboard', keepAlive: true },
    };
  }
  return { ...common, poolSize: 1, extra: createPgConfig(target.embedded.pglite) };
}

/** Session advisory lock key that serializes migrations across instances starting together. */
export const MIGRATION_LOCK = 0x53_42_4d_47;

/**
 * Pending migrations, one instance at a time: two instances starting on an empty database
 * would otherwise both create the same tables. The embedded engine is single-process (its
 * data dir is locked) and has one connection, which the lock would keep from the migrations.
 */
export async function runMigrationsLocked(dataSource: DataSource, embedded: boolean): Promise<void> {
  if (embedded) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
