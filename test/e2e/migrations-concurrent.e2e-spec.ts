import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { freePort, GatewayProcess } from '../support/gateway-process';
import { createTestDatabase } from '../support/test-database';

/** Instances starting together on an empty database: migrations run once, every instance starts. */
describe('migrations at start', () => {
  it('three gateway processes starting at once on an empty database all come up, each migration applied once', async (t) => {
    const db = await createTestDatabase();
    const procs: GatewayProcess[] = [];
    try {
      if (db.kind !== 'postgres') {
        // The embedded engine's data dir admits one process; a second is refused by its lock file.
        t.diagnostic('embedded database: one process per data dir, nothing to race');
        return;
      }
      for (let i = 0; i < 3; i++) {
        const env = {
          ...db.env,
          SWITCHBOARD_DATA_DIR: `${db.env.SWITCHBOARD_DATA_DIR}/${i}`,
          PORT: String(await freePort()),
          SWITCHBOARD_SANDBOX: 'off',
          LOG_LEVEL: 'warn',
        };
        procs.push(new GatewayProcess(env));
      }
      procs.forEach((p) => p.start());
      const started = await Promise.allSettled(procs.map((p) => p.ready()));
      assert.deepEqual(
        started
          .filter((s) => s.status === 'rejected')
          .map((s) => String((s as PromiseRejectedResult).reason).slice(0, 300)),
        [],
        'every instance started',
      );
      const client = new Client({ connectionString: db.env.DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
        assert.ok(rows.length >= 4, `${rows.length} migrations`);
        for (const row of rows) assert.equal(row.n, 1, `${row.name} applied once`);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
      await db.dispose();
    }
  });
});
