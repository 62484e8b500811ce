import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';

/**
 * Data source for the TypeORM CLI (`npm run migration:run`). TypeORM 1.x accepts a
 * promise here, which lets the embedded database open first.
 */
async function cliDataSource(): Promise<DataSource> {
  const config = loadConfig();
  const target = config.DATABASE_URL
    ? { url: config.DATABASE_URL }
    : { embedded: await EmbeddedPostgres.open(config.SWITCHBOARD_DATA_DIR) };
  return new DataSource({ ...dataSourceOptions(target), migrationsRun: false });
}

export default cliDataSource();
