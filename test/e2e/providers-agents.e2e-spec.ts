import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { HMSOVEREIGN_DEFAULT_API_KEY, SEEDED_ASSISTANT_IDS } from '@switchboard/simulators/hmsovereign';
import { KAICALLS_DEFAULT_API_KEY } from '@switchboard/simulators/kaicalls';
import { KALEM_DEFAULT_API_KEY } from '@switchboard/simulators/kalem';
import { KLEN_DEFAULT_API_KEY } from '@switchboard/simulators/klen';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import type { ApiResponse } from '../support/http';
import { client } from '../support/http';
import { sandboxSetup, sim, waitForTerminal } from '../support/calls';

const SECRETS = [HMSOVEREIGN_DEFAULT_API_KEY, KAICALLS_DEFAULT_API_KEY, KALEM_DEFAULT_API_KEY, KLEN_DEFAULT_API_KEY];
const WRONG_KEY = 'kc_live_RotatedAwayWrongKey_zz9988776655443322110';

/** The vendor agent id, whichever casing the gateway serializes it in. */
const vendorAgentId = (a: any): string => a.provider_agent_id;

describe('/v1/providers and /v1/agents', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let byVendor: Record<string, any>;
  let sandboxAgent: any;
  let simOrigin: (vendor: string) => string;
  /** Every response body seen, checked for leaked credentials at the end. */
  const bodies: string[] = [];

  before(async () => {
    gw = await startTestGateway();
    const raw = client(gw.url, gw.adminKey);
    const record =
      <F extends (...args: any[]) => Promise<ApiResponse>>(fn: F) =>
      async (...args: Parameters<F>) => {
        const res = await fn(...args);
        bodies.push(res.text);
        return res;
      };
    api = {
      ...raw,
      get: record(raw.get),
      post: record(raw.post),
      patch: record(raw.patch),
      delete: record(raw.delete),
    } as typeof raw;
    ({ byVendor, agent: sandboxAgent, simOrigin } = await sandboxSetup(api));
    for (const vendor of ['kalem', 'klen', 'kaicalls', 'hmsovereign']) {
      await sim(simOrigin(vendor), 'config', { rate_limits: false });
      await sim(simOrigin(vendor), 'scenario', { outcome: 'completed', ring_ms: 300, talk_ms: 2000 });
    }
  });
  after(() => gw.close());

  describe('providers', () => {
    let created: any;

    it('creates a connection: 201, credentials never returned, capabilities, health and base_url present', async () => {
      const res = await api.post('/v1/providers', {
        provider: 'kaicalls',
        name: 'KaiCalls second account',
        credentials: { api_key: KAICALLS_DEFAULT_API_KEY },
        base_url: byVendor.kaicalls.base_url,
        defaults: { from: byVendor.kaicalls.defaults.from },
        priority: 5,
        cost_per_minute: 0.12,
      });
      assert.equal(res.status, 201, res.text);
      created = res.body;
      assert.match(created.id, /^con_[0-9a-z]{26}$/);
      assert.equal(created.provider, 'kaicalls');
      assert.equal(created.name, 'KaiCalls second account');
      assert.equal(created.base_url, byVendor.kaicalls.base_url);
      assert.equal(created.priority, 5);
      assert.equal(created.cost_per_minute, 0.12);
      assert.equal(created.enabled, true);
      assert.equal(created.origin, 'api');
      assert.equal(typeof created.capabilities, 'object');
      assert.equal(created.capabilities.list_agents, true);
      assert.ok(['closed', 'open', 'half_open'].includes(created.health.circuit), JSON.stringify(created.health));
      assert.ok(
        'rate_budget' in created.health && 'last_error' in created.health && 'latency_ms_p50' in created.health,
        JSON.stringify(created.health),
      );
      assert.ok(!('credentials' in created));
      assert.ok(!res.text.includes('api_key'), 'no api_key field anywhere');
      assert.ok(!res.text.includes(KAICALLS_DEFAULT_API_KEY), 'the key itself is never echoed');
    });

    it('lists and gets connections (the sandbox ones and the new one)', async () => {
      const list = await api.get('/v1/providers?limit=200');
      assert.equal(list.status, 200);
      assert.equal(list.body.has_more, false);
      const ids = list.body.data.map((c: any) => c.id);
      assert.ok(ids.includes(created.id));
      for (const vendor of ['kalem', 'klen', 'kaicalls', 'hmsovereign']) assert.ok(ids.includes(byVendor[vendor].id));
      const one = await api.get(`/v1/providers/${created.id}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.id, created.id);
      assert.ok(one.body.health && one.body.capabilities);
      for (const id of ['con_01h455vb4pex5vsknk084sn02q', sandboxAgent.id, 'nope']) {
        const missing = await api.get(`/v1/providers/${id}`);
        assert.equal(missing.status, 404, `${id}: ${missing.text}`);
        assert.equal(missing.body.error.code, 'not_found');
      }
    });

    it('updates name and enabled', async () => {
      const res = await api.patch(`/v1/providers/${created.id}`, { name: 'KaiCalls renamed', enabled: false });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.name, 'KaiCalls renamed');
      assert.equal(res.body.enabled, false);
      const again = await api.get(`/v1/providers/${created.id}`);
      assert.equal(again.body.name, 'KaiCalls renamed');
      assert.equal(again.body.enabled, false);
      assert.equal((await api.patch(`/v1/providers/${created.id}`, { enabled: true })).body.enabled, true);
    });

    it('rotates credentials: a wrong key fails at the vendor, the right one works again', async () => {
      assert.equal((await api.get(`/v1/providers/${created.id}/agents`)).status, 200);
      const wrong = await api.patch(`/v1/providers/${created.id}`, { credentials: { api_key: WRONG_KEY } });
      assert.equal(wrong.status, 200, wrong.text);
      assert.ok(!wrong.text.includes(WRONG_KEY));
      const refused = await api.get(`/v1/providers/${created.id}/agents`);
      assert.notEqual(refused.status, 200, 'the rotated (wrong) key is used at once');
      assert.ok(refused.body.error, refused.text);
      assert.ok(!refused.text.includes(WRONG_KEY), 'the error does not leak the key');
      const right = await api.patch(`/v1/providers/${created.id}`, {
        credentials: { api_key: KAICALLS_DEFAULT_API_KEY },
      });
      assert.equal(right.status, 200);
      const works = await api.get(`/v1/providers/${created.id}/agents`);
      assert.equal(works.status, 200, works.text);
      assert.ok(works.body.data.length > 0);
    });

    it('refuses an unknown provider name and missing credentials.api_key with 422', async () => {
      const unknown = await api.post('/v1/providers', { provider: 'twilio', name: 'x', credentials: { api_key: 'k' } });
      assert.equal(unknown.status, 422, unknown.text);
      assert.equal(unknown.body.error.code, 'validation_failed');
      assert.deepEqual(
        unknown.body.error.details.map((d: any) => d.field),
        ['provider'],
      );
      const noKey = await api.post('/v1/providers', { provider: 'klen', name: 'x', credentials: {} });
      assert.equal(noKey.status, 422, noKey.text);
      assert.equal(noKey.body.error.code, 'validation_failed');
      assert.ok(
        noKey.body.error.details.some((d: any) => /api_key/.test(d.field)),
        noKey.text,
      );
      const noCreds = await api.post('/v1/providers', { provider: 'klen', name: 'x' });
      assert.equal(noCreds.status, 422, noCreds.text);
    });

    it('refuses DELETE with 409 while the connection has an active call, 204 once it ended', async () => {
      const con = await api.post('/v1/providers', {
        provider: 'hmsovereign',
        name: 'HMS to delete',
        credentials: { api_key: HMSOVEREIGN_DEFAULT_API_KEY },
        base_url: byVendor.hmsovereign.base_url,
        defaults: byVendor.hmsovereign.defaults,
      });
      assert.equal(con.status, 201, con.text);
      const agent = await api.post('/v1/agents', {
        name: 'Deletion agent',
        bindings: [{ connection_id: con.body.id, provider_agent_id: SEEDED_ASSISTANT_IDS.appointments }],
      });
      assert.equal(agent.status, 201, agent.text);
      await sim(simOrigin('hmsovereign'), 'scenario', {
        to: '+14155550180',
        outcome: 'completed',
        ring_ms: 300,
        talk_ms: 60_000,
      });
      const call = await api.post('/v1/calls', { to: '+14155550180', agent_id: agent.body.id, provider: con.body.id });
      assert.equal(call.status, 201, call.text);
      assert.equal(call.body.connection_id, con.body.id);

      const refused = await api.delete(`/v1/providers/${con.body.id}`);
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.error.code, 'conflict');

      await waitForTerminal(api, call.body.id);
      assert.equal((await api.delete(`/v1/providers/${con.body.id}`)).status, 204);
      assert.equal((await api.get(`/v1/providers/${con.body.id}`)).status, 404);
      const list = await api.get('/v1/providers?limit=200');
      assert.ok(!list.body.data.some((c: any) => c.id === con.body.id));
      // The agent that was bound to it no longer offers the deleted connection.
      const after = await api.get(`/v1/agents/${agent.body.id}`);
      assert.equal(after.status, 200);
      assert.ok(
        !after.body.bindings.some((b: any) => b.connection_id === con.body.id),
        JSON.stringify(after.body.bindings),
      );
    });

    it('deletes an idle connection with 204', async () => {
      const con = await api.post('/v1/providers', {
        provider: 'klen',
        name: 'Idle',
        credentials: { api_key: KLEN_DEFAULT_API_KEY },
        base_url: byVendor.klen.base_url,
      });
      assert.equal(con.status, 201);
      assert.equal((await api.delete(`/v1/providers/${con.body.id}`)).status, 204);
      assert.equal((await api.delete(`/v1/providers/${con.body.id}`)).status, 404);
    });
  });

  describe('vendor agents and numbers', () => {
    it('lists KaiCalls and HMS Sovereign agents and numbers, normalized', async () => {
      for (const vendor of ['kaicalls', 'hmsovereign']) {
        const agents = await api.get(`/v1/providers/${byVendor[vendor].id}/agents`);
        assert.equal(agents.status, 200, `${vendor}: ${agents.text}`);
        assert.ok(agents.body.data.length > 0);
        for (const a of agents.body.data) {
          assert.equal(typeof vendorAgentId(a), 'string');
          assert.equal(typeof a.name, 'string');
          assert.equal(typeof a.details, 'object');
        }
        const bound = sandboxAgent.bindings.find((b: any) => b.provider === vendor).provider_agent_id;
        assert.ok(
          agents.body.data.some((a: any) => vendorAgentId(a) === bound),
          `${vendor} lists the sandbox agent's vendor agent`,
        );

        const numbers = await api.get(`/v1/providers/${byVendor[vendor].id}/numbers`);
        assert.equal(numbers.status, 200, `${vendor}: ${numbers.text}`);
        assert.ok(numbers.body.data.length > 0);
        for (const n of numbers.body.data) assert.match(n.number, /^\+\d{6,15}$/);
      }
    });

    it('answers 422 capability_unsupported for Kalem and Klen', async () => {
      for (const vendor of ['kalem', 'klen']) {
        for (const what of ['agents', 'numbers']) {
          const res = await api.get(`/v1/providers/${byVendor[vendor].id}/${what}`);
          assert.equal(res.status, 422, `${vendor} ${what}: ${res.text}`);
          assert.equal(res.body.error.code, 'capability_unsupported');
          assert.match(res.body.error.message, new RegExp(vendor, 'i'));
        }
      }
    });
  });

  describe('agents', () => {
    it('creates an agent with linked bindings', async () => {
      const res = await api.post('/v1/agents', {
        name: 'Linked',
        system_prompt: 'Be brief.',
        metadata: { team: 'ops' },
        bindings: [
          { connection_id: byVendor.klen.id, provider_agent_id: '12' },
          { connection_id: byVendor.hmsovereign.id, provider_agent_id: SEEDED_ASSISTANT_IDS.appointments },
        ],
      });
      assert.equal(res.status, 201, res.text);
      assert.match(res.body.id, /^agt_[0-9a-z]{26}$/);
      assert.equal(res.body.bindings.length, 2);
      for (const b of res.body.bindings) assert.equal(b.origin, 'linked');
      const klen = res.body.bindings.find((b: any) => b.connection_id === byVendor.klen.id);
      assert.deepEqual(klen, {
        connection_id: byVendor.klen.id,
        provider: 'klen',
        provider_agent_id: '12',
        origin: 'linked',
      });
      const got = await api.get(`/v1/agents/${res.body.id}`);
      assert.deepEqual(got.body, res.body);
      const list = await api.get('/v1/agents?limit=200');
      assert.ok(list.body.data.some((a: any) => a.id === res.body.id));

      const bad = await api.post('/v1/agents', {
        name: 'Bad',
        bindings: [{ connection_id: 'con_01h455vb4pex5vsknk084sn02q', provider_agent_id: 'x' }],
      });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.error.details.map((d: any) => d.field),
        ['bindings[0].connection_id'],
      );
    });

    it('provisions on HMS Sovereign and KaiCalls; PATCH renames, merges metadata and syncs; DELETE removes', async () => {
      const res = await api.post('/v1/agents', {
        name: 'Provisioned',
        system_prompt: 'You confirm appointments.',
        first_message: 'Hello!',
        metadata: { team: 'ops', tier: 'gold' },
        provision: [byVendor.hmsovereign.id, byVendor.kaicalls.id],
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.bindings.length, 2);
      for (const b of res.body.bindings) {
        assert.equal(b.origin, 'provisioned');
        assert.ok(b.provider_agent_id);
      }
      const binding = (vendor: string) => res.body.bindings.find((b: any) => b.provider === vendor);
      const vendorAgents = async (vendor: string) => {
        const list = await api.get(`/v1/providers/${byVendor[vendor].id}/agents`);
        assert.equal(list.status, 200, list.text);
        return list.body.data as any[];
      };
      for (const vendor of ['hmsovereign', 'kaicalls']) {
        const found = (await vendorAgents(vendor)).find((a) => vendorAgentId(a) === binding(vendor).provider_agent_id);
        assert.ok(found, `the agent exists at ${vendor}`);
        assert.equal(found.name, 'Provisioned');
      }

      const patched = await api.patch(`/v1/agents/${res.body.id}`, {
        name: 'Provisioned v2',
        metadata: { tier: 'platinum', region: 'eu' },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.name, 'Provisioned v2');
      assert.deepEqual(patched.body.metadata, { team: 'ops', tier: 'platinum', region: 'eu' });
      assert.equal(patched.body.system_prompt, 'You confirm appointments.');
      assert.deepEqual(patched.body.bindings, res.body.bindings);
      for (const vendor of ['hmsovereign', 'kaicalls']) {
        const found = (await vendorAgents(vendor)).find((a) => vendorAgentId(a) === binding(vendor).provider_agent_id);
        assert.equal(found?.name, 'Provisioned v2', `the rename reached ${vendor}`);
      }
      // Metadata is not in the normalized view; read the HMS assistant at the simulator.
      const assistant = await fetch(
        `${byVendor.hmsovereign.base_url}/assistants/${binding('hmsovereign').provider_agent_id}`,
        {
          headers: { authorization: `Bearer ${HMSOVEREIGN_DEFAULT_API_KEY}` },
        },
      ).then((r) => r.json() as Promise<any>);
      assert.deepEqual(
        assistant.assistant?.metadata,
        { team: 'ops', tier: 'platinum', region: 'eu' },
        JSON.stringify(assistant),
      );

      assert.equal((await api.delete(`/v1/agents/${res.body.id}`)).status, 204);
      assert.equal((await api.get(`/v1/agents/${res.body.id}`)).status, 404);
      assert.equal((await api.delete(`/v1/agents/${res.body.id}`)).status, 404);
    });

    it('refuses provisioning on Kalem with 422 capability_unsupported and creates nothing', async () => {
      const before = (await api.get('/v1/agents?limit=200')).body.data.length;
      const res = await api.post('/v1/agents', {
        name: 'Nope',
        system_prompt: 'x',
        provision: [byVendor.hmsovereign.id, byVendor.kalem.id],
      });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'capability_unsupported');
      assert.match(res.body.error.message, /kalem/i);
      assert.equal((await api.get('/v1/agents?limit=200')).body.data.length, before);
      const hms = await api.get(`/v1/providers/${byVendor.hmsovereign.id}/agents`);
      assert.ok(!hms.body.data.some((a: any) => a.name === 'Nope'), 'nothing was provisioned at HMS either');
    });

    it('answers 404 for unknown agents and ids of another type', async () => {
      for (const id of ['agt_01h455vb4pex5vsknk084sn02q', byVendor.kalem.id]) {
        assert.equal((await api.get(`/v1/agents/${id}`)).status, 404);
        assert.equal((await api.patch(`/v1/agents/${id}`, { name: 'x' })).status, 404);
        assert.equal((await api.delete(`/v1/agents/${id}`)).status, 404);
      }
    });
  });

  describe('credential secrecy', () => {
    it('no response body of providers, agents or calls endpoints contains a stored api_key', async () => {
      const call = await api.post('/v1/calls', {
        to: '+14155550190',
        agent_id: sandboxAgent.id,
        provider: 'hmsovereign',
      });
      assert.equal(call.status, 201, call.text);
      await api.get(`/v1/calls/${call.body.id}`);
      await api.get('/v1/calls?limit=200');
      await api.get(`/v1/calls/${call.body.id}/events`);
      await api.get('/v1/providers?limit=200');
      await api.get('/v1/agents?limit=200');
      assert.ok(bodies.length > 40);
      for (const secret of [...SECRETS, WRONG_KEY])
        for (const body of bodies)
          assert.ok(!body.includes(secret), `a response leaked ${secret.slice(0, 8)}…: ${body.slice(0, 200)}`);
    });

    it('stores credentials only encrypted', async () => {
      const rows: { id: string; credentials_encrypted: string }[] = await gw.gateway.app
        .get(DataSource)
        .query('SELECT id, credentials_encrypted FROM provider_connections');
      assert.ok(rows.length >= 5);
      for (const row of rows) {
        assert.ok(row.credentials_encrypted.length > 0);
        for (const secret of [...SECRETS, WRONG_KEY])
          assert.ok(!row.credentials_encrypted.includes(secret), `${row.id} stores a key in clear`);
        assert.ok(!row.credentials_encrypted.includes('api_key'), `${row.id} stores readable JSON`);
        assert.ok(
          !Buffer.from(row.credentials_encrypted, 'base64').toString('utf8').includes('api_key'),
          `${row.id} is only base64-encoded`,
        );
      }
    });
  });
});
