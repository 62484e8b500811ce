import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import { freePort, GatewayProcess } from '../support/gateway-process';
import { generateKey } from '../../src/auth/key-material';

describe('/v1/keys', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  it('creates a key, shows it once and stores only what identifies it', async () => {
    const res = await api.post('/v1/keys', { name: 'billing', scopes: ['calls:read', 'calls:write'] });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^key_[0-9a-z]{26}$/);
    assert.match(res.body.key, /^sk_test_[A-Za-z0-9_-]{32}$/);
    assert.ok(res.body.key.startsWith(res.body.prefix));
    assert.deepEqual(res.body.scopes, ['calls:read', 'calls:write']);

    const listed = await api.get('/v1/keys?limit=200');
    const entry = listed.body.data.find((k: { id: string }) => k.id === res.body.id);
    assert.equal(entry.name, 'billing');
    assert.equal(entry.key, undefined);
    assert.ok(!listed.text.includes(res.body.key), 'the key must never be shown again');
  });

  it('lets a new key do what its scopes allow and nothing else', async () => {
    const created = await api.post('/v1/keys', { name: 'key admin', scopes: ['keys:write'] });
    const asNew = client(gw.url, created.body.key);
    assert.equal((await asNew.get('/v1/keys')).status, 200);
    const escalate = await asNew.post('/v1/keys', { name: 'sneaky', scopes: ['*'] });
    assert.equal(escalate.status, 403);
    assert.equal(escalate.body.error.code, 'forbidden');
    const beyond = await asNew.post('/v1/keys', { name: 'sneaky', scopes: ['calls:write'] });
    assert.equal(beyond.status, 403);
    assert.equal((await asNew.post('/v1/keys', { name: 'peer', scopes: ['keys:write'] })).status, 201);
  });

  it('revokes a key at once', async () => {
    const created = await api.post('/v1/keys', { name: 'short-lived', scopes: ['keys:write'] });
    const asKey = client(gw.url, created.body.key);
    assert.equal((await asKey.get('/v1/keys')).status, 200);
    assert.equal((await api.delete(`/v1/keys/${created.body.id}`)).status, 204);
    const after = await asKey.get('/v1/keys');
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, 'unauthorized');
    const listed = await api.get('/v1/keys?limit=200');
    assert.ok(listed.body.data.find((k: { id: string }) => k.id === created.body.id).revoked_at);
    assert.equal((await api.delete(`/v1/keys/${created.body.id}`)).status, 204, 'revoking twice is harmless');
  });

  it('revokes only keys whose every scope the revoker holds: keys:write cannot lock out the admin key', async () => {
    const keyAdmin = await api.post('/v1/keys', { name: 'key admin only', scopes: ['keys:write'] });
    const asKeyAdmin = client(gw.url, keyAdmin.body.key);
    const listed = (await api.get('/v1/keys?limit=200')).body.data as { id: string; scopes: string[] }[];
    const admin = listed.find((k) => k.scopes.includes('*'))!;
    const wider = await api.post('/v1/keys', { name: 'wider', scopes: ['keys:write', 'calls:write'] });
    const peer = await api.post('/v1/keys', { name: 'peer', scopes: ['keys:write'] });

    for (const target of [admin.id, wider.body.id]) {
      const res = await asKeyAdmin.delete(`/v1/keys/${target}`);
      assert.equal(res.status, 403, res.text);
      assert.equal(res.body.error.code, 'forbidden');
    }
    assert.equal((await api.get('/v1/keys')).status, 200, 'the admin key still works');
    assert.equal((await client(gw.url, wider.body.key).get('/v1/keys')).status, 200, 'so does the wider key');
    assert.equal((await asKeyAdmin.delete(`/v1/keys/${peer.body.id}`)).status, 204, 'a key within its scopes may go');
    assert.equal((await client(gw.url, peer.body.key).get('/v1/keys')).status, 401);
  });

  it('pages with keyset cursors that stay stable when keys are added between pages', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await api.post('/v1/keys', { name: `page-${i}`, scopes: ['events:read'] })).status, 201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await api.get(`/v1/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data.map((k: { id: string }) => k.id));
      if (pages === 0) await api.post('/v1/keys', { name: 'inserted-mid-way', scopes: ['events:read'] });
      cursor = res.body.next_cursor;
      assert.equal(res.body.has_more, cursor !== null);
      pages++;
    } while (cursor);
    assert.ok(pages >= 3);
    assert.equal(new Set(seen).size, seen.length, 'no key appears twice');
    assert.deepEqual([...seen].sort().reverse(), seen, 'newest first');
    const all = await api.get('/v1/keys?limit=200');
    const inserted = all.body.data.find((k: { name: string }) => k.name === 'inserted-mid-way');
    assert.ok(!seen.includes(inserted.id), 'a key inserted after page one does not shift later pages');
    assert.equal(seen.length, all.body.data.length - 1);
  });
});

/**
 * A revoked SWITCHBOARD_ADMIN_KEY stays revoked across restarts: it was revoked because it
 * should no longer work, and a restart must not undo that. The start-up log says so and how
 * to recover (a new SWITCHBOARD_ADMIN_KEY).
 */
describe('a revoked SWITCHBOARD_ADMIN_KEY at restart', () => {
  const adminKey = generateKey('test');
  let gw: TestGateway | undefined;
  let proc: GatewayProcess | undefined;
  after(async () => {
    await proc?.stop();
    await gw?.database.dispose();
  });

  it('stays revoked, the log says how to recover, and a new configured key is registered', async () => {
    gw = await startTestGateway({ SWITCHBOARD_ADMIN_KEY: adminKey });
    const api = client(gw.url, adminKey);
    const spare = await api.post('/v1/keys', { name: 'spare admin', scopes: ['*'] });
    const bootstrap = (await api.get('/v1/keys?limit=200')).body.data.find(
      (k: { name: string }) => k.name === 'admin (SWITCHBOARD_ADMIN_KEY)',
    );
    assert.equal((await client(gw.url, spare.body.key).delete(`/v1/keys/${bootstrap.id}`)).status, 204);
    await gw.close({ keepData: true });

    const env = { ...gw.database.env, SWITCHBOARD_ADMIN_KEY: adminKey, SWITCHBOARD_SANDBOX: 'on' };
    proc = new GatewayProcess({ ...env, PORT: String(await freePort()) }).start();
    await proc.ready();
    assert.equal((await client(proc.url, adminKey).get('/v1/keys')).status, 401, 'the revoked key did not come back');
    assert.equal((await client(proc.url, spare.body.key).get('/v1/keys')).status, 200);
    const warning = proc
      .logLines()
      .find((l) => typeof l.msg === 'string' && l.msg.includes('SWITCHBOARD_ADMIN_KEY names key'));
    assert.ok(warning, proc.stdout.join('\n').slice(0, 2000));
    assert.match(
      String(warning.msg),
      new RegExp(`${bootstrap.id}.*stays revoked.*set SWITCHBOARD_ADMIN_KEY to a new key`),
    );
    assert.ok(!JSON.stringify(warning).includes(adminKey), 'the key itself is never logged');
    await proc.stop();

    const fresh = generateKey('test');
    proc = new GatewayProcess({ ...env, SWITCHBOARD_ADMIN_KEY: fresh, PORT: String(await freePort()) }).start();
    await proc.ready();
    assert.equal((await client(proc.url, fresh).get('/v1/keys')).status, 200, 'the new configured key is an admin key');
  });
});
