import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../../src/auth/api-key.entity';
import type { RequestContext } from '../../src/common/request-context';
import { RequestTiming } from '../../src/common/timing/request-timing';
import { preparedQuery } from '../../src/database/pooled-query';
import { databaseFor, repositoryFor } from '../../src/database/request-database';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * A request's view of the data source (src/database/request-database.ts) on the gateway's own
 * pool and database: what runs through it is that request's database time, what runs past it
 * is not. `pg_sleep` makes each statement's duration known from below.
 */
describe('the request view of the data source', () => {
  let gw: TestGateway;
  let base: DataSource;
  const request = (): RequestContext => {
    const timing = new RequestTiming(performance.now());
    timing.markVendorReached(); // so that finish() reports the phases
    return { requestId: 'req_view_test', timing };
  };
  const dbMs = (context: RequestContext) => context.timing.finish()!.dbMs;

  before(async () => {
    gw = await startTestGateway();
    base = gw.gateway.app.get(DataSource);
  });
  after(() => gw.close());

  it('is one view per request, and the data source itself outside requests', () => {
    const context = request();
    assert.equal(databaseFor(base, context), databaseFor(base, context));
    assert.notEqual(databaseFor(base, context), databaseFor(base, request()));
    assert.equal(databaseFor(base, undefined), base);
  });

  it('counts raw queries, transactions, repositories and prepared statements run through the view', async () => {
    const cases: Record<string, (context: RequestContext) => Promise<unknown>> = {
      'raw query': (c) => databaseFor(base, c).query('SELECT pg_sleep(0.03)'),
      transaction: (c) => databaseFor(base, c).transaction((tx) => tx.query('SELECT pg_sleep(0.03)')),
      repository: (c) => repositoryFor(base.getRepository(ApiKeyEntity), c).query('SELECT pg_sleep(0.03)'),
      'prepared, autocommit': (c) => preparedQuery(databaseFor(base, c).manager, 'SELECT pg_sleep($1)', [0.03]),
      'prepared, in a transaction': (c) =>
        databaseFor(base, c).transaction((tx) => preparedQuery(tx, 'SELECT pg_sleep($1)', [0.03])),
    };
    for (const [what, work] of Object.entries(cases)) {
      const context = request();
      await work(context);
      assert.ok(dbMs(context) >= 30, `${what}: ${dbMs(context)} ms of database time`);
    }
  });

  it('counts nothing run past it, and keeps concurrent requests apart', async () => {
    const past = request();
    await base.query('SELECT pg_sleep(0.03)');
    await preparedQuery(base.manager, 'SELECT pg_sleep($1)', [0.03]);
    assert.equal(dbMs(past), 0);

    const slow = request();
    const fast = request();
    // The fast one sent first: the embedded database runs one statement at a time, and a
    // request queued behind another's statement rightly counts the wait as its own.
    const fastRun = databaseFor(base, fast).query('SELECT 1');
    const slowRun = databaseFor(base, slow).query('SELECT pg_sleep(0.2)');
    await fastRun;
    await slowRun;
    // Both accounts are closed after the slow statement ended: had it leaked, the fast one would hold it too.
    assert.ok(dbMs(slow) >= 200, `the slow request: ${dbMs(slow)} ms`);
    const fastMs = dbMs(fast);
    assert.ok(fastMs < 200, `the fast request counts only its own statement: ${fastMs} ms`);
  });
});
