import type { DataSource, EntityManager, ObjectLiteral, QueryRunner, Repository } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import type { RequestTiming, TimingTagged as Tagged } from '../common/timing/request-timing';
import { REQUEST_TIMING as TIMING } from '../common/timing/request-timing';

const views = new WeakMap<RequestContext, DataSource>();

/**
 * The data source as one request sees it: the same pool, metadata and driver, but every
 * statement run through it, its managers, transactions and repositories counts as that
 * request's database time (Server-Timing). Outside a request, the data source itself. Made
 * once per request, on first use: a derived object and one EntityManager.
 */
export function databaseFor(base: DataSource, context: RequestContext | undefined): DataSource {
  if (!context) return base;
  let view = views.get(context);
  if (!view) {
    view = requestView(base, context.timing);
    views.set(context, view);
  }
  return view;
}

function requestView(base: DataSource, timing: RequestTiming): DataSource {
  const view = Object.create(base) as DataSource & Tagged;
  view[TIMING] = timing;
  view.createQueryRunner = (mode?: 'master' | 'slave'): QueryRunner => {
    const runner = base.createQueryRunner.call(view, mode) as QueryRunner & Tagged;
    runner[TIMING] = timing;
    return runner;
  };
  // The base's manager is bound to the base; the view's own creates its runners through the view.
  (view as { manager: EntityManager }).manager = view.createEntityManager();
  return view;
}

/** The request a query runner was made for (src/database/query-timing.ts). */
export function timingOfRunner(runner: QueryRunner): RequestTiming | undefined {
  return (runner as QueryRunner & Tagged)[TIMING];
}

/** The request a manager works for: its runner's, or its data source view's. */
export function timingOfManager(db: EntityManager): RequestTiming | undefined {
  const runner = db.queryRunner;
  return (runner && timingOfRunner(runner)) ?? (db.dataSource as DataSource & Tagged)[TIMING];
}

/** A TypeORM repository as one request sees it (see `databaseFor`). */
export function repositoryFor<T extends ObjectLiteral>(
  repository: Repository<T>,
  context: RequestContext | undefined,
): Repository<T> {
  return context
    ? databaseFor(repository.manager.dataSource, context).manager.getRepository(repository.target)
    : repository;
}
