import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { timedBy } from '../common/timing/request-timing';
import { timingOfRunner } from './request-database';

const INSTRUMENTED = Symbol.for('switchboard.queryTiming');

/**
 * Counts a statement as database time of the request whose view of the data source made
 * its query runner (src/database/request-database.ts); other runners' go uncounted. Every
 * TypeORM statement of the app, on real PostgreSQL and on the embedded engine alike (PGlite
 * comes in through its `pg` adapter, so the same driver), goes through this one method:
 * repositories, raw SQL, transaction begin and commit. The time includes waiting for a pooled connection when the
 * statement is what asks for one: to the request that is database time too. Patched once
 * per process; several gateways in one process (tests) share it.
 */
export function timeDatabaseQueries(): void {
  const prototype = PostgresQueryRunner.prototype as PostgresQueryRunner & { [INSTRUMENTED]?: true };
  if (prototype[INSTRUMENTED]) return;
  const query = prototype.query;
  prototype.query = function timedQuery(this: PostgresQueryRunner, ...args: Parameters<typeof query>) {
    return timedBy(timingOfRunner(this), 'db', () => query.apply(this, args));
  };
  prototype[INSTRUMENTED] = true;
}
