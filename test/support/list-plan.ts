import type { DataSource } from 'typeorm';
import { callsPageQuery, callsPageText, filterCalls } from '../../src/calls/calls-list.query';

/**
 * EXPLAIN of the list's page statement for `query`, as the gateway builds it, with sequential
 * scans priced out: a test's few thousand rows would otherwise be cheapest read whole, where a
 * million are not.
 */
export async function listPlan(dataSource: DataSource, query: Parameters<typeof filterCalls>[0]): Promise<string> {
  const page = callsPageQuery(filterCalls(query), { limit: 20 });
  const sql = callsPageText(page.where, '*', page.values.length);
  return dataSource.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    const explained: Array<{ 'QUERY PLAN': string }> = await tx.query(`EXPLAIN ${sql}`, page.values);
    return explained.map((line) => line['QUERY PLAN']).join('\n');
  });
}
