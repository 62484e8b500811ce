import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningSimulator } from '../common';
import { pollUntil, WebhookReceiver } from '../testing';
import { KAICALLS_DEFAULT_SESSION, KAICALLS_SEED, KAICALLS_SESSION_COOKIE, startKaiCallsSimulator } from './index';
import { assertShape, control, DOC, ISO, kc } from './kaicalls.test-support';
import { signBody } from './kaicalls.webhooks';

const session = { Cookie: `${KAICALLS_SESSION_COOKIE}=${KAICALLS_DEFAULT_SESSION}` };
const { agents, businessId } = KAICALLS_SEED;

describe('KaiCalls simulator contract: keys, balance, usage, account webhooks', () => {
  let sim: RunningSimulator;
  let receiver: WebhookReceiver;

  before(async () => {
    sim = await startKaiCallsSimulator({ speed: 200 });
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await sim.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await control(sim, '/reset', {});
    await control(sim, '/scenario', { outcome: 'completed', ring_ms: 400, talk_ms: 61_000 });
    receiver.clear();
  });

  const createKey = async (body: unknown) => kc(sim, 'POST', '/keys', { key: null, headers: session, body });

  describe('keys (dashboard session)', () => {
    it('refuses API keys and missing sessions with 401', async () => {
      for (const options of [{}, { key: null }]) {
        const res = await kc(sim, 'GET', '/keys', options);
        assert.deepEqual([res.status, res.json.error.code], [401, 'unauthorized']);
      }
    });

    it('creates (key shown once), lists and revokes keys; a revoked key gets 401', async () => {
      const created = await createKey({ name: 'reporting', scopes: ['calls:read'] });
      assert.equal(created.status, 201);
      assertShape(created.json, { ...DOC.key, key: 'kc_live_…' }, ['business_id', 'last_used_at', 'expires_at']);
      assert.match(created.json.key, /^kc_live_[A-Za-z0-9_-]{44}$/);
      assert.equal(created.json.prefix, created.json.key.slice(0, 12));
      const list = await kc(sim, 'GET', '/keys', { key: null, headers: session });
      assertShape(list.json, { keys: [DOC.key] }, ['business_id', 'last_used_at', 'expires_at']);
      assert.ok(
        list.json.keys.every((k: any) => !('key' in k)),
        'full key never listed',
      );
      assert.equal((await kc(sim, 'GET', '/calls', { key: created.json.key })).status, 200);

      const revoked = await kc(sim, 'DELETE', `/keys?id=${created.json.id}`, { key: null, headers: session });
      assert.deepEqual(revoked.json, { success: true });
      const afterRevoke = await kc(sim, 'GET', '/calls', { key: created.json.key });
      assert.deepEqual([afterRevoke.status, afterRevoke.json.error.code], [401, 'unauthorized']);
      const noId = await kc(sim, 'DELETE', '/keys', { key: null, headers: session });
      assert.deepEqual([noId.status, noId.json.error.code], [400, 'bad_request']);
    });

    it('gives new keys the seed default scopes and enforces them with 403 forbidden', async () => {
      const def = await createKey({});
      assert.deepEqual(
        [def.json.name, def.json.scopes],
        ['Untitled Key', ['agents:read', 'numbers:read', 'calls:read', 'calls:write']],
      );
      const readOnly = (await createKey({ scopes: ['calls:read'] })).json.key;
      const res = await kc(sim, 'POST', '/calls', {
        key: readOnly,
        body: { agent_id: agents.kai.id, to: '+15125550100' },
      });
      assert.equal(res.status, 403);
      assert.deepEqual(res.json, DOC.error);
      assert.equal((await kc(sim, 'GET', '/agents', { key: readOnly })).status, 403);
      assert.equal(
        (await kc(sim, 'PATCH', '/agents', { key: def.json.key, body: { id: agents.kai.id, name: 'x' } })).status,
        403,
      );
    });
  });

  describe('balance and usage', () => {
    it('reports per-business minutes and a request log with call ids and costs', async () => {
      const call = await kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } });
      await pollUntil(
        () => kc(sim, 'GET', `/calls?id=${call.json.id}`),
        (r) => r.json.status === 'completed',
        { what: 'completed' },
      );

      const balance = await kc(sim, 'GET', '/balance');
      assertShape(balance.json, DOC.balance);
      assert.deepEqual(balance.json.businesses[0], {
        business_id: businessId,
        minutes_used: 2,
        phone_numbers: 2,
        subscription_status: 'active',
      });

      const usage = await kc(sim, 'GET', '/usage');
      assertShape(usage.json, DOC.usage, ['call_id']);
      const post = usage.json.usage.find((u: any) => u.method === 'POST');
      assert.deepEqual(
        [post.endpoint, post.status_code, post.call_id, post.cost_cents],
        ['/v1/calls', 201, call.json.id, 24],
      );
      assert.ok(
        usage.json.usage.some(
          (u: any) => u.endpoint === '/v1/calls' && u.method === 'GET' && u.call_id === call.json.id,
        ),
      );
      assert.match(usage.json.usage[0].created_at, ISO);

      const page = await kc(sim, 'GET', '/usage?limit=1');
      assert.deepEqual([page.json.usage.length, page.json.has_more], [1, true]);
      const future = await kc(sim, 'GET', `/usage?start=${new Date(Date.now() + 60_000).toISOString()}`);
      assert.deepEqual(future.json, { usage: [], has_more: false });
      assert.equal((await kc(sim, 'GET', '/usage?start=soon')).status, 400);
    });
  });

  describe('account webhook subscriptions (/api/v1/webhooks)', () => {
    it('creates (secret once), lists, updates, tests and deletes subscriptions', async () => {
      const created = await kc(sim, 'POST', '/webhooks', {
        body: { webhook_url: `${receiver.url}/acct`, events: ['call.completed'], description: 'ops' },
      });
      assert.equal(created.status, 201);
      assert.match(created.json.webhook_secret, /^whsec_/);
      const { webhook_secret: secret, ...view } = created.json;
      assertShape(view, DOC.webhookList.webhooks[0]);
      assert.ok(!view.webhook_secret_masked.includes(secret.slice(6, 20)));

      const list = await kc(sim, 'GET', '/webhooks');
      assertShape(list.json, DOC.webhookList);
      assert.deepEqual(list.json.events, ['call.completed', 'call.failed']);

      const updated = await kc(sim, 'POST', '/webhooks', {
        body: { id: view.id, events: ['call.completed', 'call.failed'] },
      });
      assert.deepEqual([updated.status, updated.json.events.length, 'webhook_secret' in updated.json], [200, 2, false]);

      const test = await kc(sim, 'POST', '/webhooks/test', { body: { id: view.id } });
      assert.equal(test.status, 200);
      const [hook] = await pollUntil(
        () => receiver.received,
        (r) => r.length === 1,
        { what: 'webhook.test' },
      );
      assert.equal(hook.json.event, 'webhook.test');
      assert.equal(hook.headers['x-kaicalls-signature'], signBody(secret, hook.raw));

      const bad = await kc(sim, 'POST', '/webhooks', {
        body: { webhook_url: `${receiver.url}/x`, events: ['lead.created'] },
      });
      assert.deepEqual([bad.status, bad.json.error.code], [400, 'invalid_request']);
      assert.deepEqual((await kc(sim, 'DELETE', `/webhooks?id=${view.id}`)).json, { success: true });
      assert.deepEqual((await kc(sim, 'GET', '/webhooks')).json.webhooks, []);
      assert.equal((await kc(sim, 'DELETE', `/webhooks?id=${view.id}`)).status, 404);
    });

    it('sends subscribed call events signed with the subscription secret', async () => {
      const sub = await kc(sim, 'POST', '/webhooks', { body: { webhook_url: `${receiver.url}/acct` } });
      const call = await kc(sim, 'POST', '/calls', { body: { agent_id: agents.kai.id, to: '+15125550100' } });
      const [hook] = await pollUntil(
        () => receiver.received,
        (r) => r.length === 1,
        { what: 'subscription delivery' },
      );
      assert.deepEqual([hook.path, hook.json.event, hook.json.call_id], ['/acct', 'call.completed', call.json.id]);
      assertShape(hook.json, DOC.completed);
      assert.equal(hook.headers['x-kaicalls-event'], 'call.completed');
      assert.equal(hook.headers['x-kaicalls-signature'], signBody(sub.json.webhook_secret, hook.raw));
      assert.notEqual(
        hook.headers['x-kaicalls-signature'],
        signBody(sub.json.webhook_secret, hook.raw.replace('completed', 'failed')),
      );
    });
  });
});
