import { Client } from 'pg';

/** A start-up failure whose message is the whole story: printed as one line, no stack. */
export class DatabaseUnreachableError extends Error {}

/**
 * One connection attempt before the framework starts. Without it a bad DATABASE_URL meant
 * TypeORM's nine retries, about 28 s of repeated stack traces, before the real reason.
 */
export async function probeDatabase(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    const reason = (e as { code?: string }).code ?? (e as Error).message;
    throw new DatabaseUnreachableError(
      `cannot reach the database at ${withoutPassword(url)} (${reason}); check DATABASE_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}
