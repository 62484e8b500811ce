import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Where a test's gateway keeps its data. With TEST_DATABASE_URL (or DATABASE_URL) set, every
 * test file gets its own fresh database on that server, so files can run in parallel; without
 * it, the embedded default in a fresh temporary data dir.
 */
export interface TestDatabase {
  /** Variables for the gateway: DATABASE_URL (real PG) and SWITCHBOARD_DATA_DIR. */
  env: Record<string, string>;
  kind: 'postgres' | 'embedded';
  /** Makes the database unreachable for good (real PG: dropped). */
  drop(): Promise<void>;
  /** Removes everything this test created. */
  dispose(): Promise<void>;
}

export const serverUrl = (): string | undefined =>
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

/** `server`: a PostgreSQL server to use even when the suite runs on the embedded default. */
export async function createTestDatabase(server: string | undefined = serverUrl()): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const base = server;
  if (!base) {
    return {
      env: { SWITCHBOARD_DATA_DIR: dataDir },
      kind: 'embedded',
      drop: async () => rmSync(join(dataDir, 'pg'), { recursive: true, force: true }),
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
  await admin(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return {
    env: { DATABASE_URL: url.toString(), SWITCHBOARD_DATA_DIR: dataDir },
    kind: 'postgres',
    drop,
    dispose: async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function admin(base: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
