import type { Pool, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { timed } from '../common/timing/request-timing';

/**
 * One autocommit statement straight on TypeORM's own `pg` pool (the same connections, on
 * real PostgreSQL and on the embedded engine's `pg` adapter alike), as a named statement:
 * prepared once per connection, then only bound and executed. For the hot reads (a call by
 * id) where TypeORM's query runner, logging and result mapping cost more than the query.
 * Counted as database time of the request like every other statement.
 */
export function pooledQuery<R extends Record<string, unknown>>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return timed('db', () => pool.query<R>({ name, text, values }));
}
