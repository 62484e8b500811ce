import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigVariables } from './config.variables';

/**
 * The 32-byte key that encrypts provider credentials at rest. From SWITCHBOARD_SECRET_KEY,
 * else from `<data dir>/secret.key`, created (mode 0600) on first start. Instances that
 * share a database must share this key: set the variable for them (docker-compose does).
 */
export function loadSecretKey(config: ConfigVariables): Buffer {
  if (config.SWITCHBOARD_SECRET_KEY) return decodeKey(config.SWITCHBOARD_SECRET_KEY);
  mkdirSync(config.SWITCHBOARD_DATA_DIR, { recursive: true });
  const file = join(config.SWITCHBOARD_DATA_DIR, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return decodeKey(readFileSync(file, 'utf8').trim());
}

function decodeKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes (64 hex characters or base64).');
  return key;
}
