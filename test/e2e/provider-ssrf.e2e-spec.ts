import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { KAICALLS_DEFAULT_API_KEY, startKaiCallsSimulator } from '@switchboard/simulators/kaicalls';
import type { RunningSimulator } from '@switchboard/simulators';
import type { Api } from '../support/calls';
import { client } from '../support/http';
import { createTestDatabase } from '../support/test-database';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { WebhookConsumer } from '../support/webhook-consumer';
import { VendorAddressGuard } from '../../src/providers/vendor-address-guard.service';

const CREDENTIAL = 'hms_conn_credential_never_leaves_0001';
const connection = (baseUrl: string | undefined, extra: Record<string, unknown> = {}) => ({
  provider: 'hmsovereign',
  name: `hms ${Math.random().toString(36).slice(2)}`,
  credentials: { api_key: CREDENTIAL },
  ...(baseUrl === undefined ? {} : { base_url: baseUrl }),
  // What is tested is where the gateway's vendor requests may go, asked for after creation.
  verify: false,
  ...extra,
});
const authorizations = (listener: WebhookConsumer) => listener.received.map((r) => r.headers.authorization);

/**
 * A connection's base_url receives its credential as a Bearer token, so outside sandbox mode
 * it may not point at the gateway's host or networks: refused when stored and again when a
 * request connects. Every target here is a loopback listener of the test's own.
 */
describe('provider base_url outside sandbox mode', () => {
  let gw: TestGateway;
  let api: Api;
  const listener = new WebhookConsumer();

  before(async () => {
    await listener.start();
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    api = client(gw.url, gw.adminKey);
  });
  after(async () => {
    await gw.close();
    await listener.stop();
  });

  it('refuses loopback, unspecified, private, link-local and loopback-resolving hosts with 422 on base_url', async () => {
    const refused = [
      'http://127.0.0.1/v1',
      'http://0.0.0.0:8080/v1',
      'http://10.0.0.1/v1',
      'http://192.168.1.1/v1',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/v1',
      'http://localhost/v1',
      `${listener.url}/v1`,
    ];
    for (const baseUrl of refused) {
      const res = await api.post('/v1/providers', connection(baseUrl));
      assert.equal(res.status, 422, `${baseUrl}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(
        res.body.error.details.map((d: { field: string }) => d.field),
        ['base_url'],
      );
      assert.match(res.body.error.details[0].message, /refused outside sandbox mode/);
    }
    assert.deepEqual((await api.get('/v1/providers')).body.data, [], 'nothing was stored');
    assert.deepEqual(authorizations(listener), [], 'the credential was sent nowhere');
  });

  it('refuses the same on PATCH, keeping the stored base_url', async () => {
    const created = await api.post('/v1/providers', connection(undefined, { enabled: false }));
    assert.equal(created.status, 201, created.text);
    const res = await api.patch(`/v1/providers/${created.body.id}`, { base_url: `${listener.url}/v1` });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.details[0].field, 'base_url');
    assert.equal((await api.get(`/v1/providers/${created.body.id}`)).body.base_url, created.body.base_url);
    await api.delete(`/v1/providers/${created.body.id}`);
  });

  it('refuses at connect time a name that resolved publicly when stored and loopback now (DNS rebinding)', async () => {
    const guard = gw.gateway.app.get(VendorAddressGuard);
    let answer = '93.184.215.14';
    guard.useResolver(async (host) => (host === 'rebind.test' ? [{ address: answer, family: 4 }] : []));
    try {
      const port = new URL(listener.url).port;
      const created = await api.post('/v1/providers', connection(`http://rebind.test:${port}/v1`));
      assert.equal(created.status, 201, created.text);
      answer = '127.0.0.1';
      const agents = await api.get(`/v1/providers/${created.body.id}/agents`);
      assert.equal(agents.status, 502, agents.text);
      assert.equal(agents.body.error.code, 'provider_error');
      assert.deepEqual(authorizations(listener), [], 'the credential never reached the rebound address');
      await api.delete(`/v1/providers/${created.body.id}`);
    } finally {
      guard.useResolver(undefined);
    }
  });

  it('refuses at connect time a loopback address stored before the rule (or before the allow-list shrank)', async () => {
    const created = await api.post('/v1/providers', connection(undefined));
    assert.equal(created.status, 201, created.text);
    await gw.gateway.app
      .get(DataSource)
      .query('UPDATE provider_connections SET base_url = $1 WHERE id = $2', [`${listener.url}/v1`, created.body.id]);
    const agents = await api.get(`/v1/providers/${created.body.id}/agents`);
    assert.equal(agents.status, 502, agents.text);
    assert.deepEqual(authorizations(listener), [], 'the credential was never sent to the refused host');
    await api.delete(`/v1/providers/${created.body.id}`);
  });

  it('refuses a declared connection aimed at loopback: the gateway does not start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-ssrf-')), 'switchboard.json');
    writeFileSync(file, JSON.stringify({ providers: [connection(`${listener.url}/v1`)] }));
    const db = await createTestDatabase();
    try {
      await assert.rejects(
        startTestGateway({ SWITCHBOARD_CONFIG_FILE: file }, db),
        /providers\[0\]\.base_url: resolves to a loopback address/,
      );
    } finally {
      await db.dispose();
    }
    assert.deepEqual(authorizations(listener), []);
  });
});

describe('provider base_url with PROVIDER_ALLOWED_HOSTS naming 127.0.0.1', () => {
  let gw: TestGateway;
  let api: Api;
  let vendor: RunningSimulator;
  const redirector = new WebhookConsumer();
  const elsewhere = new WebhookConsumer();
  const chatty = new WebhookConsumer();

  before(async () => {
    vendor = await startKaiCallsSimulator({ speed: 200 });
    await Promise.all([redirector.start(), elsewhere.start(), chatty.start()]);
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off', PROVIDER_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(gw.url, gw.adminKey);
  });
  after(async () => {
    await gw.close();
    await Promise.all([redirector.stop(), elsewhere.stop(), chatty.stop(), vendor.close()]);
  });

  it('accepts a loopback simulator and works against it', async () => {
    const created = await api.post('/v1/providers', {
      provider: 'kaicalls',
      name: 'KaiCalls local',
      credentials: { api_key: KAICALLS_DEFAULT_API_KEY },
      base_url: `${vendor.url}/api/v1`,
    });
    assert.equal(created.status, 201, created.text);
    const agents = await api.get(`/v1/providers/${created.body.id}/agents`);
    assert.equal(agents.status, 200, agents.text);
    assert.ok(agents.body.data.length > 0);
  });

  it('still refuses what the allow-list does not name', async () => {
    // An address entry admits that address under any name (`localhost` too, where it resolves to 127.0.0.1 only).
    for (const baseUrl of [
      'http://10.0.0.1/v1',
      'http://[::1]/v1',
      'http://127.0.0.2/v1',
      'http://169.254.169.254/latest',
    ]) {
      const res = await api.post('/v1/providers', connection(baseUrl));
      assert.equal(res.status, 422, `${baseUrl}: ${res.text}`);
    }
  });

  it('does not follow a vendor redirect: a 302 is a provider error and its target receives nothing', async () => {
    redirector.answer('/v1/assistants', () => ({
      status: 302,
      headers: { location: `${elsewhere.url}/v1/assistants` },
      body: '',
    }));
    const created = await api.post('/v1/providers', connection(`${redirector.url}/v1`));
    assert.equal(created.status, 201, created.text);
    const agents = await api.get(`/v1/providers/${created.body.id}/agents`);
    assert.equal(agents.status, 502, agents.text);
    assert.equal(agents.body.error.details[0].provider_status, 302);
    assert.equal(redirector.on('/v1/assistants').length, 1);
    assert.equal(elsewhere.received.length, 0, 'the redirect target got nothing, the credential least of all');
  });

  it("bounds a vendor's error body and keeps the credential and any key out of it", async () => {
    const foreign = 'sk_live_0123456789abcdefghijklmn';
    const text = `upstream said: your key ${CREDENTIAL} is wrong, use ${foreign} ${'padding text '.repeat(800)}`;
    assert.ok(text.length > 10_000);
    chatty.answer('/v1/assistants', () => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'bad_request', message: text }),
    }));
    chatty.answer('/v2/assistants', () => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: text }));
    for (const path of ['/v1', '/v2']) {
      const created = await api.post('/v1/providers', connection(`${chatty.url}${path}`));
      const agents = await api.get(`/v1/providers/${created.body.id}/agents`);
      assert.equal(agents.status, 502, agents.text);
      assert.equal(
        chatty.on(`${path}/assistants`)[0].headers.authorization,
        `Bearer ${CREDENTIAL}`,
        'this listener is the vendor: it got the credential',
      );
      assert.ok(!agents.text.includes(CREDENTIAL), `${path}: the credential came back: ${agents.text.slice(0, 400)}`);
      assert.ok(!agents.text.includes(foreign), `${path}: a key came back`);
      assert.ok(agents.body.error.message.length <= 300, `${path}: ${agents.body.error.message.length} characters`);
      assert.ok(agents.text.length < 2000, `${path}: the response is ${agents.text.length} bytes`);
      const health = (await api.get(`/v1/providers/${created.body.id}`)).text;
      assert.ok(!health.includes(CREDENTIAL) && !health.includes(foreign), 'nor does the connection health');
    }
  });
});
