import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { pollUntil } from '@switchboard/simulators/testing';
import type { GatewayProcess } from '../support/gateway-process';
import { startInstances } from '../support/gateway-instances';
import { client } from '../support/http';
import { createTestDatabase } from '../support/test-database';

/**
 * Keys are cached per instance (src/auth/key-cache.ts); a revocation on one instance must
 * still be refused by another on its next request, through the revocation's NOTIFY.
 */
describe('key cache across instances', () => {
  it('a key revoked through instance A is refused by instance B, which had it cached, well before the cache TTL', async (t) => {
    const db = await createTestDatabase();
    const procs: GatewayProcess[] = [];
    const pg = db.kind === 'postgres' ? new Client({ connectionString: db.env.DATABASE_URL }) : null;
    try {
      if (!pg) {
        // The embedded engine's data dir admits one process; a second is refused by its lock file.
        t.diagnostic('embedded database: one process per data dir, so one instance');
        return;
      }
      await pg.connect();
      const adminKey = await startInstances(db, { SWITCHBOARD_SANDBOX: 'off' }, procs);
      const [a, b] = procs;
      const apiA = client(a.url, adminKey);
      const newKey = async (name: string) => {
        const res = await apiA.post('/v1/keys', { name, scopes: ['keys:write'] });
        assert.equal(res.status, 201, res.text);
        return res.body as { id: string; key: string };
      };
      const revoked = await newKey('to revoke');
      const bystander = await newKey('revoked behind the gateway');
      const onB = (key: string) =>
        client(b.url, key)
          .get('/v1/keys?limit=1')
          .then((r) => r.status);
      assert.equal(await onB(revoked.key), 200);
      assert.equal(await onB(bystander.key), 200);

      // Revoked in the table without the gateway's notice: B still answers from its cache,
      // which shows the cache is what B consults, and that only the notice makes it forget.
      await pg.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [bystander.id]);
      assert.equal(await onB(bystander.key), 200, 'served from B’s cache');

      const started = Date.now();
      assert.equal((await apiA.delete(`/v1/keys/${revoked.id}`)).status, 204);
      await pollUntil(
        () => onB(revoked.key),
        (status) => status === 401,
        { timeoutMs: 3_000, intervalMs: 10, what: 'B to refuse the revoked key' },
      );
      const took = Date.now() - started;
      // The TTL backstop is 10 s (KEY_CACHE_TTL_MS): well inside it, only the notice explains the refusal.
      assert.ok(took < 3_000, `refused after ${took} ms`);
      assert.equal(await onB(bystander.key), 401, 'the notice cleared B’s whole cache');
      assert.equal(
        await client(a.url, revoked.key)
          .get('/v1/keys?limit=1')
          .then((r) => r.status),
        401,
        'A refuses it at once',
      );
      assert.equal(await onB(adminKey), 200, 'keys still valid are looked up again and accepted');
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
      await pg?.end();
      await db.dispose();
    }
  });
});
