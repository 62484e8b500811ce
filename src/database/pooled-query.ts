import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { timedBy } from '../common/timing/request-timing';
import { timingOfManager, timingOfRunner } from './request-database';

/**
 * Distinct statement texts that get a server-side prepared statement. Each is kept by every
 * pooled connection until it closes, so the count is capped: the hot paths build a few dozen
 * texts (a column set per kind of change, an event count per append); anything past the cap
 * runs unnamed, as before.
 */
const MAX_NAMED_STATEMENTS = 256;
const statementNames = new Map<string, string>();

/** A stable name per text (`pg` refuses one name for two texts on a connection, so the name is the text's hash). */
export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `sb_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A hand-written statement of a hot path as a prepared statement, in the caller's
 * transaction when `db` has one, else autocommit straight on TypeORM's own `pg` pool (the
 * same connections, on real PostgreSQL and on the embedded engine's `pg` adapter alike),
 * past the query runner, its logging and its result mapping. Postgres then parses and
 * analyses it once per connection and, after a few runs, plans it once too: on the create
 * path parse, analysis and planning of the long CTE statements were about half of
 * Postgres's CPU per call. The rows, as `EntityManager.query` answers them.
 */
export function preparedQuery<R = Record<string, unknown>>(
  db: EntityManager,
  text: string,
  values: unknown[],
  options: { prepare?: boolean } = {},
): Promise<R[]> {
  // Unprepared: planned for its values on every run, for a statement whose best plan depends on them.
  const query = { name: options.prepare === false ? undefined : statementName(text), text, values };
  const runner = db.queryRunner as PostgresQueryRunner | undefined;
  if (runner) return inTransaction<R>(runner, query);
  // Autocommit, the create path's case: no async function around it (a promise fewer per
  // statement), but failing as one would, with a rejection rather than a throw.
  try {
    const pool = (db.connection.driver as PostgresDriver).master as Pool;
    return timedBy(timingOfManager(db), 'db', () => pool.query(query)).then((result) => result.rows as R[]);
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

async function inTransaction<R>(
  runner: PostgresQueryRunner,
  query: { name: string | undefined; text: string; values: unknown[] },
): Promise<R[]> {
  // As EntityManager.query would: a finished transaction's work must not run outside it.
  if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
  const client = (await runner.connect()) as PoolClient;
  return (await timedBy(timingOfRunner(runner), 'db', () => client.query(query))).rows as R[];
}
