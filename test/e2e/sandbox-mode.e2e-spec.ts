import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';
import { freePort, GatewayProcess } from '../support/gateway-process';
import { client } from '../support/http';
import { waitForTerminal } from '../support/calls';

const ADMIN_KEY = 'sk_test_sandboxmodeadminkey0123456789';
/** A documentation-only address (RFC 5737): nothing answers there, and only its count matters. */
const REAL_VENDOR = 'https://203.0.113.10/api/v1';

/**
 * `SWITCHBOARD_SANDBOX=auto` across restarts of one database, as `npm start` runs it: only an
 * enabled connection to a vendor off this machine ends sandbox mode, and the start-up
 * summary says which way it went and why.
 */
describe('SWITCHBOARD_SANDBOX=auto', () => {
  let db: TestDatabase;
  let running: GatewayProcess | undefined;
  const configFile = join(mkdtempSync(join(tmpdir(), 'sb-mode-')), 'switchboard.json');
  const declare = (providers: unknown[]) => writeFileSync(configFile, JSON.stringify({ providers }));
  const realKalem = (enabled: boolean) => ({
    provider: 'kalem',
    name: 'Kalem live',
    credentials: { api_key: 'kalem-live-key-never-sent' },
    base_url: REAL_VENDOR,
    enabled,
  });

  /** Starts the gateway and hands back its API client and the summary's sandbox line. */
  const start = async () => {
    await running?.stop();
    running = new GatewayProcess({
      ...db.env,
      PORT: String(await freePort()),
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHBOARD_CONFIG_FILE: configFile,
      // The documentation address is reserved, which only an allow-list admits outside sandbox mode.
      PROVIDER_ALLOWED_HOSTS: '203.0.113.10',
      LOG_LEVEL: 'warn',
    }).start();
    await running.ready();
    const summary = running.logLines().filter((line) => line.msg === 'Switchboard started');
    assert.equal(summary.length, 1, running.stdout.join('\n'));
    return { api: client(running.url, ADMIN_KEY), sandbox: String(summary[0].sandbox) };
  };

  /** The README's first call: the first agent, to hmsovereign, completed at the simulator. */
  const firstCallCompletes = async (api: ReturnType<typeof client>) => {
    const agent = (await api.get('/v1/agents')).body.data[0];
    const created = await api.post('/v1/calls', {
      to: '+1 (555) 010-2030',
      agent_id: agent.id,
      provider: 'hmsovereign',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal((await waitForTerminal(api, created.body.id, 30_000)).status, 'completed');
  };

  before(async () => {
    db = await createTestDatabase();
    declare([]);
  });
  after(async () => {
    await running?.stop();
    await db.dispose();
  });

  it('a fresh database starts the sandbox, and the first call works', async () => {
    const { api, sandbox } = await start();
    assert.equal(sandbox, 'on (auto: no enabled connection to a real vendor)');
    await firstCallCompletes(api);
  });

  it('a connection to a simulator on loopback keeps the sandbox on', async () => {
    const { api } = await start();
    const kaicalls = (await api.get('/v1/providers')).body.data.find(
      (c: { provider: string; origin: string }) => c.provider === 'kaicalls' && c.origin === 'sandbox',
    );
    const local = await api.post('/v1/providers', {
      provider: 'kaicalls',
      name: 'Local KaiCalls',
      credentials: { api_key: 'kc_test_local' },
      base_url: kaicalls.base_url,
      verify: false,
    });
    assert.equal(local.status, 201, local.text);
    const restarted = await start();
    assert.equal(restarted.sandbox, 'on (auto: no enabled connection to a real vendor; ignored 1 on this machine)');
    await firstCallCompletes(restarted.api);
  });

  it('a disabled connection to a real vendor keeps the sandbox on', async () => {
    declare([realKalem(false)]);
    const { api, sandbox } = await start();
    assert.equal(sandbox, 'on (auto: no enabled connection to a real vendor; ignored 1 disabled, 1 on this machine)');
    await firstCallCompletes(api);
  });

  it('an enabled connection to a real vendor turns the sandbox off, and names it', async () => {
    declare([realKalem(true)]);
    const { api, sandbox } = await start();
    assert.equal(sandbox, 'off (auto: 1 enabled real connection: Kalem live (kalem))');
    const providers = (await api.get('/v1/providers')).body.data as { origin: string; enabled: boolean }[];
    assert.deepEqual(
      providers.filter((c) => c.origin === 'sandbox').map((c) => c.enabled),
      [false, false, false, false],
      'the simulators are not running',
    );
  });

  it('removing it from the config file disables it, and the sandbox is back on the next start', async () => {
    declare([]);
    const { api, sandbox } = await start();
    assert.equal(sandbox, 'on (auto: no enabled connection to a real vendor; ignored 1 disabled, 1 on this machine)');
    await firstCallCompletes(api);
  });
});
