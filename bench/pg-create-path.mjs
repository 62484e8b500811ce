// The Postgres side of a create on its own: pgbench replays the two statements a create sends
// (CallLedger.open: the call, its call.created event and its deliveries; then
// CallLedger.applyIfUnchanged: the vendor's answer), prepared, at a fixed rate, and the CPU of
// the backends serving it and of the shared writers is read from /proc. Variants of the
// statements or of the schema, alternated round by round in one run, show what one change of
// the create path costs Postgres without a gateway, simulator or load generator on the same
// cores. Run after `npm run build` (the scratch database is migrated by dist's migrations).
//
//   node bench/pg-create-path.mjs [--rate 1000] [--clients 8] [--seconds 8] [--rounds 3]
//                                 [--variants now,exclusive-lock+notify,sql-grams] [--no-readme]
//   --rate 0 runs unthrottled: the throughput ceiling of each variant.
//
// Variants (each a change of this session's create path, undone):
//   now                     the statements and schema as this build has them
//   exclusive-lock+notify   the append lock taken exclusively and pg_notify in the statement (before ad48a79)
//   sql-grams               call_number_grams as the SQL function it was (before f292995)
//   non-hot-answer          the vendor id indexed on calls (calls_provider_call), fillfactor 100 and the
//                           answer moving reconcile_at, so the answer writes every index again (before 7e99cd1)
// and, to see what each part of today's create costs Postgres, variants with one part taken out:
//   no-number-grams         without the number-grams GIN index (the list's `q`)
//   metadata-gin            the metadata GIN index in place of call_metadata_pairs' triggers (before the pairs)
//   tagged, tagged-gin      a create with metadata of two keys ({tenant, campaign}), kept by the pairs'
//                           triggers or by the GIN index: what each costs a create that carries metadata
//   tagged-50, tagged-50-gin  the same with the 50 keys the contract allows
//   no-list-btrees          without the list's four btree indexes (agent, connection, status, to)
//   no-event                the call inserted without its call.created event
//   no-event-type-index     without events_type (the event list's `type` filter)
//   no-event-id-index       without the unique index on events.id (and the deliveries' foreign key on it)
//   small-event             the call.created event with `{}` for data instead of the call
//   no-vendor-ids           the answer without the trigger that keeps call_vendor_ids
//   no-answer-checks        the answer without the vendor-id lock and the pending-webhooks check
// The statements here mirror the code's by hand (src/ledger/call-ledger.ts,
// src/events/event-log.repository.ts, src/calls/calls.repository.ts); the suite's wire count
// (`npm run bench -- --only create`) prints the real ones to compare with.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchOptions } from './lib/options.mjs';
import { fmt, runHeading } from './lib/format.mjs';
import { writeReadmeSection } from './lib/readme-section.mjs';
import { createScratchDatabase, postgresCpu, postgresDelta } from './lib/scratch-db.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { opt, number, flag, dist, pgServer } = benchOptions();
const rate = number('rate', 1000);
const clients = number('clients', 8);
const seconds = number('seconds', 8);
const rounds = number('rounds', 3);
const variants = opt('variants', 'now,exclusive-lock+notify,sql-grams,non-hot-answer').split(',');

const CONNECTION = 'con_01m8skh55cfk4ry1ycc60dmncd';
const AGENT = 'agt_01m8skh565fk4ry1ynft0att8a';
const APPEND_LOCK = 0x53_42_45_56; // EVENT_APPEND_LOCK
// pgbench reads `:name` as a variable, so the JSON is written with a space after each colon.
const json = (value) => JSON.stringify(value).replaceAll('":', '": ');
// pgbench's variables are untyped parameters: cast where an operator could take several types.
const id = (prefix) => `'${prefix}' || :r::text || '_' || :s::text`;
const vendorId = `'pc-' || :r::text || '-' || :s::text`;
const snapshot = json({
  call: {
    id: 'call_01m8skhcddfk4rz5nvhh6waw4z',
    object: 'call',
    direction: 'outbound',
    status: 'queued',
    provider: 'kalem',
    connection_id: CONNECTION,
    agent_id: AGENT,
    to: '+15551002263',
    from: '+15550002222',
    metadata: {},
    record: true,
    attempts: [],
    warnings: [],
    created_at: '2026-12-01T20:08:03.245Z',
    updated_at: '2026-12-01T20:08:03.245Z',
  },
  provider: {
    name: 'kalem',
    source: 'create',
    event_type: null,
    occurred_at: null,
    received_at: '2026-12-01T20:08:03.245Z',
  },
});

/** The pgbench script of one create as `variant` sends it. */
function script(variant) {
  const lock =
    variant === 'exclusive-lock+notify'
      ? `pg_advisory_xact_lock(${APPEND_LOCK}) AS locked, pg_notify('switchboard_events', '') AS notified`
      : `pg_advisory_xact_lock_shared(${APPEND_LOCK}) AS locked`;
  // A tenant of a thousand and a campaign of seven, as bench/list.mjs seeds them; or the 50
  // keys the contract allows, each of a thousand values.
  const metadata = variant.startsWith('tagged-50')
    ? `(SELECT jsonb_object_agg('key' || i, 'v' || ((:r::bigint + i) % 1000)::text) FROM generate_series(1, 50) i)`
    : variant.startsWith('tagged')
      ? `('{"tenant": "t' || (:r::bigint % 1000)::text || '", "campaign": "c' || (:r::bigint % 7)::text || '"}')::jsonb`
      : `'{}'`;
  const columns = `"id", "direction", "status", "provider", "connection_id", "agent_id", "to", "from", "metadata", "record", "attempts", "warnings", "ended_at_estimated", "reconcile_at", "reconcile_checks", "created_at", "updated_at"`;
  const values = `${id('call_')}, 'outbound', 'queued', 'kalem', '${CONNECTION}', '${AGENT}', '+1555' || lpad((:r::bigint % 10000000)::text, 7, '0'), '+15550002222', ${metadata}, true, '[]', '[]', false, now() + interval '2 minutes', 0, now(), now()`;
  if (variant === 'no-event') {
    const bare = `WITH inserted AS (INSERT INTO calls (${columns}) VALUES (${values}) RETURNING id, webhook_url, xmin::text AS version) SELECT (SELECT version FROM inserted) AS version, nextval('events_sequence_seq')`;
    return [
      '\\set r random(1, 2000000000)',
      '\\set s random(1, 2000000000)',
      bare,
      '\\gset',
      answerStatement(variant),
      '',
    ].join('\n');
  }
  const open = `WITH inserted AS (INSERT INTO calls (${columns}) VALUES (${values}) RETURNING id, webhook_url, xmin::text AS version), event_lock AS (SELECT ${lock}), appended AS (INSERT INTO events (id, type, call_id, data) SELECT v.id, v.type, v.call_id, v.data FROM event_lock, (VALUES (0, ${id('evt_')}, 'call.created', ${id('call_')}, '${variant === 'small-event' ? '{}' : snapshot}'::jsonb)) AS v(n, id, type, call_id, data) ORDER BY v.n RETURNING sequence, id, type, call_id), enqueued AS (INSERT INTO deliveries (event_id, event_sequence, endpoint_id, url, next_attempt_at) SELECT e.id, e.sequence, w.id, NULL, now() FROM appended e JOIN webhook_endpoints w ON w.enabled AND (cardinality(w.subscribed_types) = 0 OR e.type = ANY(w.subscribed_types)) UNION ALL SELECT e.id, e.sequence, NULL, c.webhook_url, now() FROM appended e JOIN inserted c ON c.id = e.call_id AND c.webhook_url IS NOT NULL RETURNING 1) SELECT (SELECT version FROM inserted) AS version, (SELECT count(*) FROM appended)::int AS appended_count, (SELECT count(*) FROM enqueued)::int AS enqueued`;
  return [
    '\\set r random(1, 2000000000)',
    '\\set s random(1, 2000000000)',
    open,
    '\\gset',
    answerStatement(variant),
    '',
  ].join('\n');
}

/** The answer's UPDATE as `variant` sends it, after the open's `\\gset` of :version. */
function answerStatement(variant) {
  const attempts = json([
    {
      at: '2026-12-01T20:08:03.246Z',
      outcome: 'created',
      provider: 'kalem',
      error_code: null,
      connection_id: CONNECTION,
    },
  ]);
  if (variant === 'no-answer-checks')
    return `WITH updated AS (UPDATE calls SET "provider_status" = 'pending', "provider_call_id" = ${vendorId}, "attempts" = '${attempts}', "synced_at" = now(), "updated_at" = now() WHERE calls.id = ${id('call_')} AND calls.xmin = :version::xid RETURNING calls.id, calls.xmin::text AS version) SELECT (SELECT version FROM updated) AS version`;
  return `WITH vendor_lock AS (SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext('call:' || ${vendorId}))) l), updated AS (UPDATE calls SET "provider_status" = 'pending', "provider_call_id" = ${vendorId}, "attempts" = '${attempts}', "synced_at" = now(), ${variant === 'non-hot-answer' ? `"reconcile_at" = now() + interval '2 minutes', ` : ''}"updated_at" = now() FROM vendor_lock WHERE calls.id = ${id('call_')} AND calls.xmin = :version::xid AND NOT switchboard_webhooks_pending('${CONNECTION}', ${vendorId}, vendor_lock.locked) RETURNING calls.id, calls.xmin::text AS version) SELECT (SELECT version FROM updated) AS version`;
}

/** The list's metadata filter served as before migration 1764600000000. */
const METADATA_GIN = {
  apply: [
    'ALTER TABLE calls DISABLE TRIGGER calls_metadata_insert',
    'ALTER TABLE calls DISABLE TRIGGER calls_metadata_update',
    'CREATE INDEX calls_metadata ON calls USING gin (metadata jsonb_path_ops)',
  ],
  undo: [
    'DROP INDEX calls_metadata',
    'ALTER TABLE calls ENABLE TRIGGER calls_metadata_insert',
    'ALTER TABLE calls ENABLE TRIGGER calls_metadata_update',
  ],
};

/** Schema of a variant, put in place before its window and taken back after it. */
const SCHEMA = {
  'no-number-grams': {
    apply: ['DROP INDEX calls_number_grams'],
    undo: ['CREATE INDEX calls_number_grams ON calls USING gin (call_number_grams("to", "from"))'],
  },
  'metadata-gin': METADATA_GIN,
  'tagged-gin': METADATA_GIN,
  'tagged-50-gin': METADATA_GIN,
  'no-list-btrees': {
    apply: ['DROP INDEX calls_agent, calls_connection, calls_status, calls_to'],
    undo: [
      'CREATE INDEX calls_agent ON calls (agent_id, id)',
      'CREATE INDEX calls_connection ON calls (connection_id, id)',
      'CREATE INDEX calls_status ON calls (status, id)',
      'CREATE INDEX calls_to ON calls ("to", id)',
    ],
  },
  'no-event-type-index': {
    apply: ['DROP INDEX events_type'],
    undo: ['CREATE INDEX events_type ON events (type, sequence)'],
  },
  'no-event-id-index': {
    apply: [
      'ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey',
      'ALTER TABLE events DROP CONSTRAINT events_id_key',
    ],
    undo: [
      'ALTER TABLE events ADD CONSTRAINT events_id_key UNIQUE (id)',
      'ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES events(id)',
    ],
  },
  'no-vendor-ids': {
    apply: ['ALTER TABLE calls DISABLE TRIGGER calls_vendor_id_update'],
    undo: ['ALTER TABLE calls ENABLE TRIGGER calls_vendor_id_update'],
  },
  'non-hot-answer': {
    apply: [
      'ALTER TABLE calls DISABLE TRIGGER calls_vendor_id_insert',
      'ALTER TABLE calls DISABLE TRIGGER calls_vendor_id_update',
      'CREATE UNIQUE INDEX calls_provider_call ON calls (provider_call_id, connection_id) WHERE provider_call_id IS NOT NULL',
      'ALTER TABLE calls RESET (fillfactor)',
    ],
    undo: [
      'DROP INDEX calls_provider_call',
      'ALTER TABLE calls SET (fillfactor = 85)',
      'ALTER TABLE calls ENABLE TRIGGER calls_vendor_id_insert',
      'ALTER TABLE calls ENABLE TRIGGER calls_vendor_id_update',
    ],
  },
};

const SQL_GRAMS = `CREATE OR REPLACE FUNCTION call_number_grams("to" text, "from" text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT substr(n, i, 4) FROM unnest(ARRAY["to", "from"]) AS n, generate_series(1, length(n) - 3) AS i)
  $$`;

async function migrate(url) {
  process.env.DATABASE_URL = url;
  const mod = await import(pathToFileURL(join(dist, 'src/database/data-source.js')).href);
  // A CommonJS build: its `export default` is the namespace's default's default.
  const ds = await (mod.default?.default ?? mod.default);
  await ds.initialize();
  await ds.runMigrations();
  const grams = (await ds.query(`SELECT pg_get_functiondef('call_number_grams(text, text)'::regprocedure) AS def`))[0]
    .def;
  await ds.destroy();
  return grams;
}

function pgbench(file, url, total) {
  const u = new URL(url);
  const args = ['-n', '-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres', '-M', 'prepared'];
  args.push('-c', String(clients), '-j', '2', '-T', String(total), '-f', file);
  if (rate > 0) args.push('-R', String(rate));
  args.push(u.pathname.slice(1));
  const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

const until = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(scratch, db, variant, dir) {
  // TRUNCATE gives calls a new, empty file, so the fillfactor in force applies to every page.
  await db.query('TRUNCATE calls, call_vendor_ids, events, deliveries');
  await db.query(variant === 'sql-grams' ? SQL_GRAMS : nowGrams);
  for (const statement of SCHEMA[variant]?.apply ?? []) await db.query(statement);
  const file = join(dir, `${variant}.sql`);
  writeFileSync(file, script(variant));
  const updates = async () => {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query(
      `SELECT n_tup_upd::bigint AS upd, n_tup_hot_upd::bigint AS hot FROM pg_stat_user_tables WHERE relname = 'calls'`,
    );
    return { upd: Number(rows[0].upd), hot: Number(rows[0].hot) };
  };
  const u0 = await updates();
  const run = pgbench(file, scratch.url, seconds + 3);
  await until(1500);
  const own = (await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const count = async () => Number((await db.query('SELECT last_value FROM events_sequence_seq')).rows[0].last_value);
  const cpuNow = async () => {
    const m = await postgresCpu(scratch.admin, scratch.name);
    m.delete(own);
    return m;
  };
  const [n0, c0, t0] = [await count(), await cpuNow(), performance.now()];
  await until(seconds * 1000);
  const [n1, c1, t1] = [await count(), await cpuNow(), performance.now()];
  const { code, out } = await run;
  // pgbench's backends have exited, and a backend's counts reach the view as it exits.
  const u1 = await updates();
  for (const statement of SCHEMA[variant]?.undo ?? []) await db.query(statement);
  if (code !== 0) throw new Error(`pgbench (${variant}) failed:\n${out}`);
  const creates = n1 - n0;
  const { backends, aux } = postgresDelta(c0, c1);
  const hotShare = (u1.hot - u0.hot) / (u1.upd - u0.upd);
  return {
    creates,
    perSecond: (creates * 1000) / (t1 - t0),
    cpuMs: (backends + aux) / creates,
    auxMs: aux / creates,
    hotShare,
  };
}

execFileSync('pgbench', ['--version']);
const scratch = await createScratchDatabase(pgServer);
let nowGrams;
try {
  nowGrams = await migrate(scratch.url);
  const db = new pg.Client({ connectionString: scratch.url, application_name: 'switchboard-bench-admin' });
  db.on('error', () => {}); // the drop at the end ends it with FORCE
  await db.connect();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-create-'));
  const results = new Map(variants.map((v) => [v, []]));
  for (let round = 1; round <= rounds; round++)
    for (const variant of variants) {
      const r = await measure(scratch, db, variant, dir);
      results.get(variant).push(r);
      console.log(
        `round ${round} ${variant}: ${fmt(r.perSecond, 0)} creates/s, ${fmt(r.cpuMs, 3)} ms Postgres CPU per create (writers ${fmt(r.auxMs, 3)}), ${fmt(r.hotShare * 100, 0)} % of the answers HOT`,
      );
    }
  await db.end();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lines = [
    `### Postgres per create (${runHeading(scratch.version)})`,
    '',
    `\`node bench/pg-create-path.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\`: pgbench, ${clients} clients, ${rate > 0 ? `${rate} creates/s` : 'unthrottled'}, ${seconds} s per window after 1.5 s, ${rounds} rounds with the variants alternated; CPU of the scratch database's backends plus the WAL writer, checkpointer and background writer, per create.`,
    '',
    '| variant | creates/s (median) | answers written in place (HOT) | Postgres CPU ms per create, each round | median |',
    '|---|---:|---:|---:|---:|',
    ...variants.map((v) => {
      const rs = results.get(v);
      return `| ${v} | ${fmt(median(rs.map((r) => r.perSecond)), 0)} | ${fmt(median(rs.map((r) => r.hotShare * 100)), 0)} % | ${rs.map((r) => fmt(r.cpuMs, 3)).join(' / ')} | ${fmt(median(rs.map((r) => r.cpuMs)), 3)} |`;
    }),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (!flag('no-readme')) writeReadmeSection(rate > 0 ? 'pg-create' : 'pg-create-unthrottled', lines.join('\n'));
} finally {
  await scratch.drop();
}
