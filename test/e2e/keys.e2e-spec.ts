import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, TestGateway } from '../support/test-gateway';
import { client } from '../support/http';

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

  it('pages with keyset cursors that stay stable when keys are added between pages', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await api.post('/v1/keys', { name: `page-${i}`, scopes: ['events:read'] })).status, 201);
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
