import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAICALLS_DEFAULT_API_KEY, startKaiCallsSimulator } from '@switchboard/simulators/kaicalls';
import type { RunningSimulator } from '@switchboard/simulators';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';
import { client } from '../support/http';

/** Connections declared in the config file, as a deployment would run the gateway. */
describe('provider connections from the config file', () => {
  let vendor: RunningSimulator;
  let db: TestDatabase;
  let gw: TestGateway | undefined;
  const configFile = join(mkdtempSync(join(tmpdir(), 'sb-declared-')), 'switchboard.json');
  const declare = (connections: unknown[]) => writeFileSync(configFile, JSON.stringify({ providers: connections }));
  const kaicalls = () => ({
    provider: 'kaicalls',
    name: 'KaiCalls main',
    credentials: { api_key: '${KC_KEY}' },
    base_url: `${vendor.url}/api/v1`,
    priority: 5,
  });
  const start = async (env: Record<string, string>) => {
    // The declared vendor is a loopback simulator, which only an allow-list admits outside sandbox
    // mode; being on loopback it does not end sandbox mode under `auto`, so sandbox is off by hand.
    gw = await startTestGateway(
      { SWITCHBOARD_CONFIG_FILE: configFile, PROVIDER_ALLOWED_HOSTS: '127.0.0.1', SWITCHBOARD_SANDBOX: 'off', ...env },
      db,
    );
    return client(gw.url, gw.adminKey);
  };

  before(async () => {
    vendor = await startKaiCallsSimulator({ speed: 200 });
    db = await createTestDatabase();
  });
  after(async () => {
    await gw?.close();
    await vendor.close();
  });

  it('creates the declared connection at start', async () => {
    declare([kaicalls()]);
    const api = await start({ KC_KEY: KAICALLS_DEFAULT_API_KEY });
    const listed = (await api.get('/v1/providers')).body.data;
    assert.deepEqual(
      listed.map((c: { origin: string; name: string }) => [c.origin, c.name]),
      [['config', 'KaiCalls main']],
    );
    assert.equal(listed[0].priority, 5);
    assert.ok(!JSON.stringify(listed).includes(KAICALLS_DEFAULT_API_KEY));
    assert.equal((await api.get(`/v1/providers/${listed[0].id}/agents`)).status, 200, 'the declared key works');
    await gw!.close({ keepData: true });
  });

  it('updates it in place on the next start (same id), re-encrypting a changed key', async () => {
    const api = await start({ KC_KEY: 'kc_live_wrong-key-after-rotation-000000' });
    const listed = (await api.get('/v1/providers')).body.data;
    assert.equal(listed.length, 1);
    const agents = await api.get(`/v1/providers/${listed[0].id}/agents`);
    assert.equal(agents.status, 502, 'the vendor now refuses the new (wrong) key');
    assert.equal(agents.body.error.details[0].provider_status, 401);
    await gw!.close({ keepData: true });
  });

  it('disables a connection removed from the file, keeping it for history', async () => {
    declare([]);
    const api = await start({});
    const listed = (await api.get('/v1/providers')).body.data;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].enabled, false);
    await gw!.close();
    gw = undefined;
  });
});
