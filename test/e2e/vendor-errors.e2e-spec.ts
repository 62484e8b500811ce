import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HMSOVEREIGN_DEFAULT_API_KEY } from '@switchboard/simulators/hmsovereign';
import { KAICALLS_DEFAULT_API_KEY } from '@switchboard/simulators/kaicalls';
import { KALEM_DEFAULT_API_KEY } from '@switchboard/simulators/kalem';
import { KLEN_DEFAULT_API_KEY } from '@switchboard/simulators/klen';
import type { Sandbox, Vendor } from '../support/calls';
import { configureSimulators, dialedBy, sandboxOf, TERMINAL_STATUSES, VENDORS, waitForCall } from '../support/calls';
import type { ApiResponse } from '../support/http';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

const RIGHT_KEYS: Record<Vendor, string> = {
  kalem: KALEM_DEFAULT_API_KEY,
  klen: KLEN_DEFAULT_API_KEY,
  kaicalls: KAICALLS_DEFAULT_API_KEY,
  hmsovereign: HMSOVEREIGN_DEFAULT_API_KEY,
};
/** Shaped like each vendor's keys, and refused by each simulator. */
const WRONG_KEYS: Record<Vendor, string> = {
  kalem: '7|wrongwrongwrongwrongwrongwrongwrongwrong1',
  klen: 'klen_wrong_0000000000000',
  kaicalls: 'kc_live_WrongKeyForVendorErrors_0123456789abcdef',
  hmsovereign: 'fl_live_wrong_00000000000000000000000000000000',
};
const SECRETS = [...Object.values(RIGHT_KEYS), ...Object.values(WRONG_KEYS)];

/** Vendor refusals the gateway passes on, in the words the contract gives them (the error catalog, src/common/openapi.ts). */
describe('vendor errors, as the client sees them', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let sb: Sandbox;
  /** Every response body seen, checked for leaked credentials at the end. */
  const bodies: string[] = [];
  const seen = (res: ApiResponse) => (bodies.push(res.text), res);
  const names = async () =>
    ((await api.get('/v1/providers?limit=200')).body.data as { name: string }[]).map((c) => c.name);
  const connection = async (vendor: Vendor, name: string, extra: Record<string, unknown> = {}) =>
    seen(
      await api.post('/v1/providers', {
        provider: vendor,
        name,
        credentials: { api_key: RIGHT_KEYS[vendor] },
        base_url: sb.vendors[vendor].baseUrl,
        defaults: sb.vendors[vendor].defaults,
        ...extra,
      }),
    );

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
  });
  after(async () => {
    for (const v of Object.values(sb.vendors)) await v.sim.post('/__sim/faults', { mode: 'none' });
    assert.doesNotMatch(
      bodies.join('\n'),
      new RegExp(SECRETS.map((s) => s.replace(/[|]/g, '\\$&')).join('|')),
      'no vendor key in any response',
    );
    await gw.close();
  });

  describe('POST /v1/providers checks the credentials at the vendor first', () => {
    for (const vendor of VENDORS) {
      it(`${vendor}: a refused key is 422 on credentials.api_key and nothing is stored; the right key is 201`, async () => {
        const before = await names();
        const refused = await connection(vendor, `${vendor} wrong key`, {
          credentials: { api_key: WRONG_KEYS[vendor] },
        });
        assert.equal(refused.status, 422, refused.text);
        assert.equal(refused.body.error.code, 'validation_failed');
        assert.deepEqual(
          refused.body.error.details.map((d: { field: string }) => d.field),
          ['credentials.api_key'],
        );
        assert.match(refused.body.error.message, new RegExp(`${vendor} refused this key \\(HTTP 40[13]`));
        assert.deepEqual(await names(), before, 'nothing stored');

        const accepted = await connection(vendor, `${vendor} right key`);
        assert.equal(accepted.status, 201, accepted.text);
      });
    }

    it('a vendor that cannot be reached is 503 providers_unavailable and nothing is stored; verify: false stores it unchecked', async () => {
      const before = await names();
      const down = { base_url: 'http://127.0.0.1:9/api/v1' };
      const refused = await connection('kalem', 'kalem unreachable', down);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'providers_unavailable');
      assert.match(
        refused.body.error.message,
        /kalem could not check the credentials.*Nothing was stored.*"verify": false/,
      );
      assert.deepEqual(await names(), before, 'nothing stored');

      const unchecked = await connection('kalem', 'kalem unreachable', { ...down, verify: false });
      assert.equal(unchecked.status, 201, unchecked.text);
      assert.equal('verify' in unchecked.body, false, 'verify is a request option, not a stored field');
      assert.equal(
        (await api.patch(`/v1/providers/${unchecked.body.id}`, { verify: false })).status,
        422,
        'PATCH has no verify',
      );
    });
  });

  describe('outside a create', () => {
    it('a vendor 429 with its reset is 503 providers_unavailable with Retry-After from that reset, naming the connection', async () => {
      const created = await connection('kaicalls', 'kaicalls rate limited');
      assert.equal(created.status, 201, created.text);
      await sb.vendors.kaicalls.sim.post('/__sim/faults', { mode: 'rate_limit', retry_after_seconds: 7, count: 1 });
      const limited = seen(await api.get(`/v1/providers/${created.body.id}/agents`));
      assert.equal(limited.status, 503, limited.text);
      assert.equal(limited.body.error.code, 'providers_unavailable');
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 7, `Retry-After ${limited.headers.get('retry-after')}`);
      assert.deepEqual(limited.body.error.details, [
        {
          connection_id: created.body.id,
          provider: 'kaicalls',
          provider_status: 429,
          provider_error_code: 'rate_limited',
        },
      ]);
      assert.match(
        limited.body.error.message,
        new RegExp(`^Connection ${created.body.id} \\(kaicalls\\) is rate limited by kaicalls`),
      );
    });

    for (const vendor of ['kaicalls', 'hmsovereign'] as const) {
      it(`${vendor}: a refused key is 502 provider_error naming the connection and the vendor, never a 401/403 of the gateway`, async () => {
        const created = await connection(vendor, `${vendor} key revoked later`, {
          credentials: { api_key: WRONG_KEYS[vendor] },
          verify: false,
        });
        assert.equal(created.status, 201, created.text);
        const refused = seen(await api.get(`/v1/providers/${created.body.id}/numbers`));
        assert.equal(refused.status, 502, refused.text);
        assert.equal(refused.body.error.code, 'provider_error');
        assert.match(
          refused.body.error.message,
          new RegExp(`^${vendor} refused the credentials of connection ${created.body.id} \\(HTTP 401`),
        );
        assert.equal(refused.body.error.details[0].connection_id, created.body.id);
        assert.equal(refused.body.error.details[0].provider, vendor);
        assert.equal(refused.body.error.details[0].provider_status, 401);
      });
    }
  });

  describe('POST /v1/calls/:id/control transfer', () => {
    it('reads `to` exactly as a create does: a human-format number reaches the vendor as E.164; an unusable one is 422 on `to`, nothing sent', async () => {
      const e164 = '+15550107070';
      assert.equal(
        (await sb.vendors.hmsovereign.sim.post('/__sim/scenario', { to: e164, ring_ms: 300, talk_ms: 600_000 })).status,
        200,
      );
      const placed = await api.post('/v1/calls', { to: e164, agent_id: sb.agentId, provider: 'hmsovereign' });
      assert.equal(placed.status, 201, placed.text);
      const call = await waitForCall(
        api,
        placed.body.id,
        (c) => c.status === 'in_progress' || (TERMINAL_STATUSES as readonly string[]).includes(c.status),
        'the call to be answered',
      );
      assert.equal(call.status, 'in_progress');
      const commands = async () =>
        (await dialedBy(sb.vendors.hmsovereign, (d) => d.call_id === call.provider_call_id))[0].commands as {
          type: string;
          body: Record<string, unknown>;
        }[];

      const bad = seen(await api.post(`/v1/calls/${call.id}/control`, { action: 'transfer', to: '020 111 2233' }));
      assert.equal(bad.status, 422, bad.text);
      assert.deepEqual(bad.body.error.details, [
        { field: 'to', message: 'must be a phone number in E.164 with country code (e.g. +15551234567) or a sip: URI' },
      ]);
      assert.equal((await commands()).length, 0, 'nothing reached the vendor');

      const moved = seen(
        await api.post(`/v1/calls/${call.id}/control`, { action: 'transfer', to: '+1 (555) 010-9999' }),
      );
      assert.equal(moved.status, 200, moved.text);
      const transfers = (await commands()).filter((c) => c.type === 'transfer');
      assert.deepEqual(
        transfers.map((c) => c.body.destination),
        ['+15550109999'],
      );
    });
  });

  describe('warnings', () => {
    it('options the chosen vendor does not act on come back as warnings [{ field, message }], on the create and every read', async () => {
      const placed = await api.post('/v1/calls', {
        to: '+15550107171',
        agent_id: sb.agentId,
        provider: 'klen',
        first_message: 'Hi!',
        max_duration_seconds: 120,
        record: false,
      });
      assert.equal(placed.status, 201, placed.text);
      assert.deepEqual(
        placed.body.warnings.map((w: { field: string }) => w.field),
        ['first_message', 'max_duration_seconds', 'record'],
      );
      for (const w of placed.body.warnings)
        assert.ok(typeof w.message === 'string' && w.message.includes('Klen'), JSON.stringify(w));
      const read = await api.get(`/v1/calls/${placed.body.id}`);
      assert.deepEqual(read.body.warnings, placed.body.warnings);

      // Options the vendor does act on (per-call webhook_url, failover, variables at Klen) warn of nothing.
      const honoured = await api.post('/v1/calls', {
        to: '+15550107172',
        agent_id: sb.agentId,
        provider: 'klen',
        variables: { plan: 'gold' },
        routing: { failover: false },
        webhook_url: 'http://127.0.0.1:9/hook',
      });
      assert.equal(honoured.status, 201, honoured.text);
      assert.deepEqual(honoured.body.warnings, []);
    });
  });
});
