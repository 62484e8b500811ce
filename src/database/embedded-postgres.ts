import { PGlite } from '@electric-sql/pglite';
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded PostgreSQL (PGlite) used when DATABASE_URL is unset. Two PGlite facts (docs/embedded-database.md)
 * shape this file: it needs an existing, real (non-symlink)
 * folder, and two processes can open one data dir without error, so a lock file guards it.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly pglite: PGlite,
    private readonly lockPath: string,
  ) {}

  static async open(dataDir: string): Promise<EmbeddedPostgres> {
    mkdirSync(dataDir, { recursive: true });
    const root = realpathSync(dataDir);
    const pgDir = join(root, 'pg');
    mkdirSync(pgDir, { recursive: true });
    const lockPath = join(root, 'pg.lock');
    takeLock(lockPath);
    try {
      const pglite = new PGlite(pgDir);
      await pglite.waitReady;
      return new EmbeddedPostgres(pglite, lockPath);
    } catch (e) {
      releaseLock(lockPath);
      throw e;
    }
  }

  get closed(): boolean {
    return this.pglite.closed;
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    releaseLock(this.lockPath);
  }
}

function takeLock(lockPath: string): void {
  try {
    const fd = openSync(lockPath, 'wx');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = Number(readFileSync(lockPath, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The embedded database in ${lockPath.replace(/pg\.lock$/, '')} is in use by process ${holder}. ` +
          'Stop it, or point SWITCHBOARD_DATA_DIR elsewhere, or set DATABASE_URL.',
      );
    }
    // A stale lock from a process that died: take it over.
    writeFileSync(lockPath, String(process.pid));
  }
}

function releaseLock(lockPath: string): void {
  try {
    if (Number(readFileSync(lockPath, 'utf8')) === process.pid) unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
