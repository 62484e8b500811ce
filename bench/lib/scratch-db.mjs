// A scratch database switchboard_bench_<random> on a PostgreSQL server, and the CPU of the
// Postgres processes that serve it.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { processCpuMs } from './proc-cpu.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

/** Creates the database; `admin` stays connected to the server's own database, so it is never one of the scratch database's backends. */
export async function createScratchDatabase(pgServer, existing) {
  // An existing one (kept by an earlier run, e.g. bench:list --keep) must still look like one of ours.
  if (existing && !/^switchboard_bench_[0-9a-f]{8}$/.test(existing))
    throw new Error(`not a bench scratch database: ${existing}`);
  const name = existing ?? `switchboard_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgServer, application_name: 'switchboard-bench-admin' });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version;
  if (!existing) await admin.query(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(pgServer), { pathname: `/${name}` }).toString();
  /** `keep` leaves the database in place (only the admin connection closes). */
  const drop = async ({ keep = false } = {}) => {
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  return { name, url, version, admin, drop };
}

/** CPU so far of the processes that serve a benchmark: the database's backends plus the shared writers (`aux`). */
export async function postgresCpu(admin, dbName) {
  const { rows } = await admin.query(
    `SELECT pid, backend_type FROM pg_stat_activity
     WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    [dbName],
  );
  const out = new Map();
  for (const { pid, backend_type } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) out.set(pid, { ms, aux: backend_type !== 'client backend' });
  }
  return out;
}

/**
 * CPU spent between two snapshots; a process that started in between counts whole, one that
 * ended in between is lost (none should: the pools stay open).
 */
export function postgresDelta(before, after) {
  let backends = 0;
  let aux = 0;
  for (const [pid, { ms, aux: isAux }] of after) {
    const d = ms - (before.get(pid)?.ms ?? 0);
    if (isAux) aux += d;
    else backends += d;
  }
  return { backends, aux };
}
