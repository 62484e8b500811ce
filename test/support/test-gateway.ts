import type { Gateway } from '../../src/bootstrap';
import { startGateway } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/load-config';
import { generateKey } from '../../src/auth/key-material';
import type { TestDatabase } from './test-database';
import { createTestDatabase } from './test-database';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  adminKey: string;
  database: TestDatabase;
  /** Stops the gateway; `keepData` leaves the database for a restart test. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** The whole gateway on a loopback port, as `npm start` would run it. */
export async function startTestGateway(
  env: Record<string, string> = {},
  database?: TestDatabase,
): Promise<TestGateway> {
  const db = database ?? (await createTestDatabase());
  const adminKey = env.SWITCHBOARD_ADMIN_KEY ?? generateKey('test');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SWITCHBOARD_ADMIN_KEY: adminKey,
    // Simulated calls last about a second: the reconciler's one read after a call ends comes at once.
    RECONCILE_INTERVAL_MS: '100',
    RECONCILE_FINAL_READ_SECONDS: '0',
    ...db.env,
    ...env,
  });
  const gateway = await startGateway(config);
  return {
    gateway,
    url: gateway.url,
    adminKey,
    database: db,
    async close(options = {}) {
      await gateway.close();
      if (!options.keepData) await db.dispose();
    },
  };
}
