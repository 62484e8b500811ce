import { randomBytes } from 'node:crypto';
import { freePort, GatewayProcess } from './gateway-process';
import type { TestDatabase } from './test-database';

/**
 * Gateway processes on one database, each with its own data dir and port, sharing an admin
 * key and a secret key: the instances of a multi-instance deployment. `env` is applied to
 * each after the shared settings. Started one after the other, so each has migrated (or
 * found the schema) before the next starts. Each is pushed onto `procs` before it is awaited,
 * so the caller's cleanup stops one that fails to start. An instance given as `{ name, env }`
 * gets its own settings on top of `env`. Answers the admin key.
 */
export async function startInstances(
  db: TestDatabase,
  env: Record<string, string>,
  procs: GatewayProcess[],
  instances: readonly (string | { name: string; env: Record<string, string> })[] = ['a', 'b'],
): Promise<string> {
  const adminKey = `sk_test_${randomBytes(16).toString('hex')}`;
  const shared = {
    ...db.env,
    SWITCHBOARD_ADMIN_KEY: adminKey,
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...env,
  };
  for (const instance of instances) {
    const { name, env: own } = typeof instance === 'string' ? { name: instance, env: {} } : instance;
    const proc = new GatewayProcess({
      ...shared,
      SWITCHBOARD_DATA_DIR: `${db.env.SWITCHBOARD_DATA_DIR}/${name}`,
      PORT: String(await freePort()),
      ...own,
    }).start();
    procs.push(proc);
    await proc.ready();
  }
  return adminKey;
}
