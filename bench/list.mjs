#!/usr/bin/env node
// GET /v1/calls over a million seeded calls: p50/p99 per filter combination of the contract's
// filters, measured through the gateway (its own process, real PostgreSQL), with the
// EXPLAIN (ANALYZE, BUFFERS) plan of the statement the gateway sent for each, written into
// bench/README.md (the "list" section).
//
// Seeding: the gateway migrates a scratch database and creates its connections and agents
// through the API; then one INSERT … SELECT generate_series writes the calls (ids are real
// typeids of UUIDv7s minted at created_at as the gateway mints them, spread over 90 days), then
// VACUUM ANALYZE. The SQL each filter runs is read off the wire (bench/lib/pg-wire-counter.mjs:
// a second gateway behind a counting proxy), so the plans are of the gateway's own statements,
// parameters and all, whatever the perf work changes in them. Re-run after an index change: same command.
//
//   npm run bench:list [-- --rows 1000000 --requests 500 --connections 1 --keep]
//   --database <name>   reuse a database kept by --keep (already seeded; migrations still run)
//   --no-readme         print only; BENCH_DIST / --dist another build; BENCH_PG_URL the server
import { createRequire } from 'node:module';
import { fmt, runHeading } from './lib/format.mjs';
import { cleanupOnce } from './lib/children.mjs';
import { failures, startLoader } from './lib/loader.mjs';
import { benchOptions } from './lib/options.mjs';
import { writeReadmeSection } from './lib/readme-section.mjs';
import { startStand } from './lib/stand.mjs';
import { startWireCounter } from './lib/pg-wire-counter.mjs';

const pg = createRequire(import.meta.url)('pg');
const { number, opt, flag, dist, pgServer } = benchOptions();
const rows = number('rows', 1_000_000);
const requests = number('requests', 500);
const connections = number('connections', 1);
const TARGET_P99_MS = 10;
const CONNECTIONS = 4;
const AGENTS = 10;

/** typeid suffix of a UUID: its 128 bits behind two zero bits, as 26 Crockford base32 characters. */
const SEED_FUNCTIONS = `
CREATE OR REPLACE FUNCTION pg_temp.typeid_suffix(u uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', substring(b FROM i * 5 + 1 FOR 5)::int + 1, 1), '' ORDER BY i)
  FROM (SELECT B'00' || ('x' || replace(u::text, '-', ''))::bit(128) AS b) bits, generate_series(0, 25) AS i
$$;
CREATE OR REPLACE FUNCTION pg_temp.uuid7(ms bigint, seed text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(seed), 1, 3) || '8' || substr(md5(seed), 4, 15))::uuid
$$;`;

/**
 * One INSERT … SELECT: row i is created (rows - i) × step ms before now. Spreads: status mostly
 * completed (in_progress rare), 1 in 10 inbound, connections and agents round-robin, 200 000
 * callee numbers (about 5 calls each), one caller number per connection, metadata with a
 * tenant (1 000 of them) and a campaign (7).
 */
function seedSql(connectionIds, agentIds) {
  const arr = (xs) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;
  const spanMs = 90 * 86_400_000;
  return `
INSERT INTO calls (id, direction, status, provider, connection_id, provider_call_id, agent_id, "to", "from", metadata, created_at, updated_at, ended_at, duration_seconds)
SELECT 'call_' || pg_temp.typeid_suffix(pg_temp.uuid7(floor(extract(epoch FROM t) * 1000)::bigint, i::text)),
       CASE WHEN i % 10 = 0 THEN 'inbound' ELSE 'outbound' END,
       (ARRAY['completed','completed','completed','completed','completed','completed','failed','no_answer','busy','canceled'])[1 + (hashint4(i) & 2147483647) % 10],
       'kalem',
       c.ids[1 + i % ${connectionIds.length}],
       'bench-' || i,
       a.ids[1 + (i / 7) % ${agentIds.length}],
       '+1555' || lpad(((hashint4(i + 1) & 2147483647) % 200000)::text, 7, '0'),
       '+1555999000' || (i % ${connectionIds.length}),
       jsonb_build_object('tenant', 't' || (i % 1000), 'campaign', 'c' || (i % 7)),
       t, t, t + interval '2 minutes', 120
FROM generate_series(1, ${rows}) AS i,
     LATERAL (SELECT now() - (${rows} - i) * (${spanMs}::float / ${rows}) * interval '1 millisecond' AS t) ts,
     (SELECT ${arr(connectionIds)} AS ids) c,
     (SELECT ${arr(agentIds)} AS ids) a`;
}

const reuse = opt('database', null);
const stand = await startStand({
  dist,
  pgServer,
  scenario: { webhooks: 'drop' },
  ...(reuse ? { databaseName: reuse } : {}),
});
const { scratch, gateway, headers } = stand;
const loader = await startLoader();
const cleanup = cleanupOnce(async () => {
  await loader.stop();
  if (flag('keep')) {
    console.log(
      `kept database ${scratch.name} (re-run with --database ${scratch.name}; drop it with: psql -c 'DROP DATABASE ${scratch.name}')`,
    );
    await stand.stop({ keep: true });
  } else await stand.stop();
});
try {
  const db = new pg.Client({ connectionString: scratch.url, application_name: 'switchboard-bench-list' });
  await db.connect();
  let connectionIds;
  let agentIds;
  const existing = Number((await db.query('SELECT count(*) FROM calls')).rows[0].count);
  if (existing >= rows) {
    console.log(`reusing ${existing} calls in ${scratch.name}`);
  } else {
    const more = [];
    for (let i = 1; i < CONNECTIONS; i++)
      more.push(
        await gateway.api('/v1/providers', {
          method: 'POST',
          body: JSON.stringify({
            provider: 'kalem',
            name: `kalem ${i + 1} (bench)`,
            credentials: { api_key: stand.kalem.apiKey },
            base_url: stand.kalem.baseUrl,
            defaults: stand.kalem.defaults,
          }),
        }),
      );
    connectionIds = [stand.connection.id, ...more.map((c) => c.id)];
    const agents = [stand.agent];
    for (let i = 1; i < AGENTS; i++)
      agents.push(
        await gateway.api('/v1/agents', {
          method: 'POST',
          body: JSON.stringify({
            name: `bench agent ${i + 1}`,
            bindings: [{ connection_id: connectionIds[i % CONNECTIONS], provider_agent_id: stand.kalem.sampleAgentId }],
          }),
        }),
      );
    agentIds = agents.map((a) => a.id);
    const t0 = Date.now();
    await db.query(SEED_FUNCTIONS);
    await db.query(seedSql(connectionIds, agentIds));
    console.log(`seeded ${rows} calls in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The side tables too, where the build has them (migrations 1764350000000 and
    // 1764600000000: their triggers filled them with the seed): autovacuum would analyze them
    // after such an insert.
    const sideTables = (
      await db.query(
        `SELECT t FROM unnest(ARRAY['call_vendor_ids', 'call_metadata_pairs']) t WHERE to_regclass(t) IS NOT NULL`,
      )
    ).rows.map((r) => r.t);
    await db.query(`VACUUM ANALYZE ${['calls', ...sideTables].join(', ')}`);
  }
  // Values to filter on, read back from the data, so a reused database works as well.
  const pick = async (sql) => (await db.query(sql)).rows[0];
  const conn = await pick(
    `SELECT connection_id AS v FROM calls WHERE connection_id IS NOT NULL GROUP BY 1 ORDER BY 1 OFFSET 1 LIMIT 1`,
  );
  const agent = await pick(
    `SELECT agent_id AS v FROM calls WHERE agent_id IS NOT NULL GROUP BY 1 ORDER BY 1 OFFSET 2 LIMIT 1`,
  );
  const mid = await pick(
    `SELECT id, "to", "from", provider_call_id, created_at FROM calls ORDER BY id OFFSET ${Math.floor(rows / 2)} LIMIT 1`,
  );
  const last = await pick(`SELECT max(created_at) AS t FROM calls`);
  const iso = (d) => new Date(d).toISOString();
  const day = 86_400_000;
  const lastT = new Date(last.t).getTime();
  const enc = encodeURIComponent;

  const filters = [
    ['no filter (first page)', ''],
    ['status=failed', 'status=failed'],
    ['status=canceled', 'status=canceled'],
    ['provider=kalem', 'provider=kalem'],
    ['connection_id', `connection_id=${conn.v}`],
    ['agent_id', `agent_id=${agent.v}`],
    ['direction=inbound', 'direction=inbound'],
    ['to (one callee)', `to=${enc(mid.to)}`],
    ['from (one caller)', `from=${enc(mid.from)}`],
    ['q = a call id', `q=${mid.id}`],
    ['q = a vendor call id', `q=${mid.provider_call_id}`],
    ['q = part of a number', `q=${enc(mid.to.slice(2, 10))}`],
    ['created_after (last day)', `created_after=${iso(lastT - day)}`],
    ['created_before (older than 60 days)', `created_before=${iso(lastT - 60 * day)}`],
    [
      'created_after + created_before (one day, 30 days ago)',
      `created_after=${iso(lastT - 31 * day)}&created_before=${iso(lastT - 30 * day)}`,
    ],
    ['metadata[tenant]', 'metadata[tenant]=t42'],
    ['status + agent_id + direction', `status=completed&agent_id=${agent.v}&direction=outbound`],
    [
      'connection_id + created window (one day)',
      `connection_id=${conn.v}&created_after=${iso(lastT - 31 * day)}&created_before=${iso(lastT - 30 * day)}`,
    ],
    ['status=failed + metadata[campaign]', 'status=failed&metadata[campaign]=c3'],
    ['to + status', `to=${enc(mid.to)}&status=completed`],
  ].map(([name, query]) => ({ name, path: `/v1/calls?limit=20${query ? `&${query}` : ''}` }));

  // The gateway's statements for each filter, off the wire.
  const target = new URL(scratch.url);
  const counter = await startWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const counted = await stand.startGateway(
    { DELIVERY_INTERVAL_MS: '600000' },
    Object.assign(new URL(scratch.url), { port: String(counter.port) }).toString(),
  );
  await counted.api('/v1/calls?limit=1'); // key cache and pool warm
  for (const f of filters) {
    const done = counter.capture();
    await counted.api(f.path);
    f.statements = done().filter((s) => /\bFROM\s+"?calls"?/i.test(s.text));
  }
  await counted.stop();
  await counter.close();

  // The measured gateway has served no list yet: a short unmeasured pass over every combination
  // first, so the first one measured does not carry the list path's compilation alone.
  for (const f of filters) await loader.sequential({ url: gateway.url, paths: [f.path], headers, amount: 20 });

  if (connections === 1) {
    // One at a time, timed in the loader itself (autocannon's single-connection timings are not
    // trusted: bench/suite-loader.mjs), the combinations taking turns request by request: a
    // stall of a shared host then costs each combination one slow request at most, where a run
    // of one combination after another put the whole stall into whichever one was running.
    const r = await loader.sequential({
      url: gateway.url,
      paths: filters.map((f) => f.path),
      headers,
      amount: requests * filters.length,
      byPath: true,
    });
    filters.forEach((f, i) => Object.assign(f, r.paths[i]));
  } else {
    for (const f of filters) {
      const r = await loader.run({ url: gateway.url, paths: [f.path], headers, connections, amount: requests });
      Object.assign(f, { p50: r.p50, p99: r.p99, failed: failures(r), examples: r.examples });
    }
  }
  for (const f of filters) {
    const plans = [];
    for (const s of f.statements) {
      const { rows: plan } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.params);
      plans.push({ sql: s.text, params: s.params, plan: plan.map((p) => p['QUERY PLAN']).join('\n') });
    }
    f.plans = plans;
    f.execMs = plans.reduce((a, p) => a + Number(/Execution Time: ([\d.]+)/.exec(p.plan)?.[1] ?? NaN), 0);
    console.log(
      `${f.name.padEnd(56)} p50 ${fmt(f.p50, 2).padStart(7)} ms  p99 ${fmt(f.p99, 2).padStart(7)} ms  EXPLAIN execution ${fmt(f.execMs, 2)} ms${f.failed ? `  NOT 2xx: ${f.failed} ${JSON.stringify(f.examples).slice(0, 200)}` : ''}`,
    );
  }
  const total = Number((await db.query('SELECT count(*) FROM calls')).rows[0].count);
  const indexes = (
    await db.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename IN ('calls', 'call_metadata_pairs', 'call_vendor_ids') ORDER BY tablename, indexname`,
    )
  ).rows.map((r) => r.indexdef);
  await db.end();

  const over = filters.filter((f) => !(f.p99 < TARGET_P99_MS));
  const md = [
    `### List figures (${runHeading(scratch.version)})`,
    '',
    `\`npm run bench:list\`: ${total.toLocaleString('en')} calls, ${requests} requests per filter combination (after 20 unmeasured ones of each) through GET /v1/calls?limit=20 on ${connections} connection${connections > 1 ? 's' : ''}${connections === 1 ? ', the combinations taking turns request by request' : ''} (latency as the client sees it, auth included). The machine was shared with other jobs: p99 is sensitive to that. Target p99 < ${TARGET_P99_MS} ms: met by ${filters.length - over.length} of ${filters.length}.`,
    '',
    '| filters | p50 ms | p99 ms | EXPLAIN ANALYZE execution ms | p99 < 10 ms |',
    '|---|---:|---:|---:|---|',
    ...filters.map(
      (f) =>
        `| ${f.name} (\`${f.path.replace('/v1/calls?limit=20', '').replace(/^&/, '') || '–'}\`) | ${fmt(f.p50, 2)} | ${fmt(f.p99, 2)} | ${fmt(f.execMs, 2)} | ${f.p99 < TARGET_P99_MS ? 'yes' : '**no**'}${f.failed ? ` (${f.failed} not 2xx)` : ''} |`,
    ),
    '',
    'Indexes on `calls` and the side tables its triggers keep (`call_metadata_pairs`, `call_vendor_ids`) during the run:',
    '',
    ...indexes.map((d) => `- \`${d}\``),
    '',
    '#### Plans',
    '',
    'Each is `EXPLAIN (ANALYZE, BUFFERS)` of the statement the gateway sent for that request, with its parameters, run right after the filter was measured.',
    '',
    ...filters.flatMap((f) => [
      `<details><summary>${f.name}: p99 ${fmt(f.p99, 2)} ms</summary>`,
      '',
      ...f.plans.flatMap((p) => [
        '```sql',
        p.sql.replace(/\s+/g, ' ').trim(),
        `-- parameters: ${JSON.stringify(p.params)}`,
        '```',
        '',
        '```',
        p.plan,
        '```',
        '',
      ]),
      '</details>',
      '',
    ]),
  ].join('\n');
  if (!flag('no-readme')) writeReadmeSection('list', md);
  else console.log(md.slice(0, 4000));
  if (filters.some((f) => f.failed)) process.exitCode = 1;
} finally {
  await cleanup();
}
