import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import { KAICALLS_DEFAULT_API_KEY } from '@switchboard/simulators/kaicalls';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import { ISO_Z, sandboxSetup, sim, TERMINAL_STATUSES, waitForTerminal } from '../support/calls';
import type { CountingProxy } from '../support/counting-proxy';
import { startCountingProxy } from '../support/counting-proxy';

/**
 * Connection health as routing will see it: the circuit breaker (what a vendor's API
 * answers), against a simulator over HTTP with a counting proxy in between so that "not
 * called at all" is measured, and the call outcomes from the ledger (what its dials do).
 */
describe('connection health: circuit breaker and call outcomes', () => {
  const FAILURES_TO_OPEN = 3;
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let setup: Awaited<ReturnType<typeof sandboxSetup>>;

  before(async () => {
    gw = await startTestGateway({
      CIRCUIT_CONSECUTIVE_FAILURES: String(FAILURES_TO_OPEN),
      CIRCUIT_HALF_OPEN_AFTER_MS: '1500',
      OUTCOME_DEMOTE_MIN_CALLS: '4',
      OUTCOME_DEMOTE_DIAL_FAILURE_PERCENT: '50',
      OUTCOME_CACHE_MS: '0',
    });
    api = client(gw.url, gw.adminKey);
    setup = await sandboxSetup(api);
    for (const vendor of ['kaicalls', 'hmsovereign'])
      await sim(setup.simOrigin(vendor), 'config', { rate_limits: false });
  });
  after(() => gw.close());

  describe('circuit breaker', () => {
    let proxy: CountingProxy;
    let connectionId: string;
    const health = async () => {
      const res = await api.get(`/v1/providers/${connectionId}`);
      assert.equal(res.status, 200, res.text);
      return res.body.health;
    };
    const listAgents = () => api.get(`/v1/providers/${connectionId}/agents`);

    before(async () => {
      const simOrigin = setup.simOrigin('kaicalls');
      proxy = await startCountingProxy(simOrigin);
      const created = await api.post('/v1/providers', {
        provider: 'kaicalls',
        name: 'KaiCalls behind a counting proxy',
        credentials: { api_key: KAICALLS_DEFAULT_API_KEY },
        base_url: proxy.origin + new URL(setup.byVendor.kaicalls.base_url).pathname,
        // The proxy counts the requests that judge the circuit; a credential check would be one more.
        verify: false,
      });
      assert.equal(created.status, 201, created.text);
      connectionId = created.body.id;
      assert.equal(created.body.health.circuit, 'closed');
      assert.equal(created.body.health.circuit_next_probe_at, null);
    });
    after(async () => {
      await sim(setup.simOrigin('kaicalls'), 'faults', { mode: 'none' });
      await proxy.close();
    });

    it(`${FAILURES_TO_OPEN} failures in a row open the circuit; while open the vendor is not called at all; the half-open probe closes it`, async () => {
      assert.equal((await listAgents()).status, 200);
      assert.equal(proxy.count, 1);

      await sim(setup.simOrigin('kaicalls'), 'faults', { mode: 'error', status: 500 });
      for (let i = 0; i < FAILURES_TO_OPEN; i++) {
        const failed = await listAgents();
        assert.equal(failed.status, 502, failed.text);
        assert.equal(failed.body.error.details[0].provider_status, 500, 'the vendor answered this one');
      }
      assert.equal(proxy.count, 1 + FAILURES_TO_OPEN);

      const open = await health();
      assert.equal(open.circuit, 'open', JSON.stringify(open));
      assert.match(open.circuit_next_probe_at, ISO_Z);
      assert.ok(Date.parse(open.circuit_next_probe_at) > Date.now() - 100, 'the probe is still ahead');
      assert.equal(open.last_error.status, 500, 'the vendor’s own failure stays the last error');
      assert.equal(typeof open.latency_ms_p50, 'number');

      for (let i = 0; i < 5; i++) {
        const refused = await listAgents();
        // Nothing was asked: the connection is unavailable for now, as a create would hear (503).
        assert.equal(refused.status, 503, refused.text);
        assert.equal(refused.body.error.code, 'providers_unavailable');
        assert.equal(refused.body.error.details[0].connection_id, connectionId);
        assert.equal(refused.body.error.details[0].provider_error_code, 'circuit_open');
        assert.equal(refused.body.error.details[0].provider_status, null, 'no vendor status: nothing was sent');
        assert.match(refused.body.error.message, /circuit open after repeated failures; next probe at \d{4}-/);
      }
      assert.equal(proxy.count, 1 + FAILURES_TO_OPEN, 'nothing reached the vendor while the circuit was open');

      await sim(setup.simOrigin('kaicalls'), 'faults', { mode: 'none' });
      const due = await pollUntil(health, (h) => h.circuit === 'half_open', {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: 'the circuit to be due for its probe',
      });
      assert.ok(Date.parse(due.circuit_next_probe_at) <= Date.now(), 'the probe time has come');
      assert.equal(proxy.count, 1 + FAILURES_TO_OPEN, 'reading health sends nothing');

      const probe = await listAgents();
      assert.equal(probe.status, 200, probe.text);
      assert.ok(probe.body.data.length > 0);
      assert.equal(proxy.count, 2 + FAILURES_TO_OPEN, 'the probe went to the vendor');
      const closed = await health();
      assert.equal(closed.circuit, 'closed');
      assert.equal(closed.circuit_next_probe_at, null);
      assert.equal((await listAgents()).status, 200);
      assert.equal(proxy.count, 3 + FAILURES_TO_OPEN);
    });

    it('a failed probe opens it again; a vendor that refuses requests (4xx) does not open it', async () => {
      await sim(setup.simOrigin('kaicalls'), 'faults', { mode: 'reset' });
      for (let i = 0; i < FAILURES_TO_OPEN; i++) assert.equal((await listAgents()).status, 502);
      assert.equal((await health()).circuit, 'open');
      await pollUntil(health, (h) => h.circuit === 'half_open', {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: 'the probe to be due',
      });
      const before = proxy.count;
      assert.equal((await listAgents()).status, 502, 'the probe meets the reset');
      assert.equal(proxy.count, before + 1);
      const reopened = await health();
      assert.equal(reopened.circuit, 'open');
      assert.match(reopened.circuit_next_probe_at, ISO_Z);

      // Changing what the connection talks to (here its key) is a fresh start.
      const patched = await api.patch(`/v1/providers/${connectionId}`, {
        credentials: { api_key: 'kc_live_WrongKeyForTheBreakerTest_0123456789abcdef' },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.health.circuit, 'closed');

      await sim(setup.simOrigin('kaicalls'), 'faults', { mode: 'none' });
      const sent = proxy.count;
      for (let i = 0; i < FAILURES_TO_OPEN + 2; i++) {
        const refused = await listAgents();
        const vendorStatus = refused.body.error?.details?.[0]?.provider_status;
        assert.ok(vendorStatus >= 400 && vendorStatus < 500, `the vendor refused the key: ${refused.text}`);
      }
      assert.equal(proxy.count, sent + FAILURES_TO_OPEN + 2, 'every one was sent');
      assert.equal((await health()).circuit, 'closed', 'a refused key is the vendor working, not failing');
    });
  });

  describe('call outcomes', () => {
    const FAILED_NUMBERS = ['+15550104001', '+15550104002', '+15550104003'];
    const ANSWERED_NUMBER = '+15550104009';
    let connectionId: string;
    const health = async (id: string) => {
      const res = await api.get(`/v1/providers/${id}`);
      assert.equal(res.status, 200, res.text);
      return res.body.health;
    };
    const place = async (to: string) => {
      const res = await api.post('/v1/calls', { to, agent_id: setup.agent.id, provider: connectionId });
      assert.equal(res.status, 201, `the vendor accepts the create: ${res.text}`);
      return res.body;
    };

    before(async () => {
      connectionId = setup.byVendor.hmsovereign.id;
      const origin = setup.simOrigin('hmsovereign');
      for (const to of FAILED_NUMBERS) await sim(origin, 'scenario', { to, outcome: 'failed', ring_ms: 200 });
      await sim(origin, 'scenario', { to: ANSWERED_NUMBER, outcome: 'completed', ring_ms: 400, talk_ms: 400 });
    });

    it('dials the vendor accepts but that end failed raise the dial-failure rate and demote the connection, while its circuit stays closed', async () => {
      const quiet = await health(connectionId);
      assert.deepEqual(quiet.outcomes, {
        window_seconds: 900,
        finished: 0,
        answer_rate: null,
        dial_failure_rate: null,
        setup_latency_ms_p50: null,
        demoted: false,
      });

      for (const to of FAILED_NUMBERS) {
        const done = await waitForTerminal(api, (await place(to)).id);
        assert.equal(done.status, 'failed');
        assert.equal(typeof done.provider_call_id, 'string');
      }
      const fewCalls = await health(connectionId);
      assert.equal(fewCalls.outcomes.finished, 3);
      assert.equal(fewCalls.outcomes.dial_failure_rate, 1);
      assert.equal(fewCalls.outcomes.demoted, false, 'three calls are too few to judge (minimum 4)');

      const answered = await waitForTerminal(api, (await place(ANSWERED_NUMBER)).id);
      assert.equal(answered.status, 'completed');
      assert.match(answered.answered_at, ISO_Z);

      const judged = await health(connectionId);
      assert.equal(judged.outcomes.finished, 4);
      assert.equal(judged.outcomes.dial_failure_rate, 0.75);
      assert.equal(judged.outcomes.answer_rate, 0.25);
      const setupMs = Date.parse(answered.answered_at) - Date.parse(answered.created_at);
      assert.ok(
        Math.abs(judged.outcomes.setup_latency_ms_p50 - setupMs) <= 1,
        `p50 of one answered call is its setup time: ${JSON.stringify(judged.outcomes)} vs ${setupMs}`,
      );
      assert.equal(judged.outcomes.demoted, true);
      assert.equal(judged.circuit, 'closed', 'every request got a 2xx: the API is fine, the dials are not');
      assert.equal(judged.last_error, null);
    });

    it('no_answer and busy are not held against the vendor, and other connections are judged on their own calls', async () => {
      const origin = setup.simOrigin('hmsovereign');
      for (const [to, outcome] of [
        ['+15550104011', 'no_answer'],
        ['+15550104012', 'busy'],
      ] as const) {
        await sim(origin, 'scenario', { to, outcome, ring_ms: 200 });
        const done = await waitForTerminal(api, (await place(to)).id);
        assert.ok((TERMINAL_STATUSES as readonly string[]).includes(done.status));
        assert.equal(done.status, outcome);
      }
      const after = await health(connectionId);
      assert.equal(after.outcomes.finished, 6);
      assert.equal(after.outcomes.dial_failure_rate, 0.5, 'still 3 failed; 2 more finished');
      assert.equal(after.outcomes.answer_rate, 0.167);
      assert.equal(after.outcomes.demoted, true, 'at the threshold');

      const list = await api.get('/v1/providers?limit=200');
      const kalem = list.body.data.find((c: any) => c.id === setup.byVendor.kalem.id);
      assert.equal(kalem.health.outcomes.finished, 0);
      assert.equal(kalem.health.outcomes.demoted, false);
      const hms = list.body.data.find((c: any) => c.id === connectionId);
      assert.equal(hms.health.outcomes.finished, 6, 'the list shows the same figures');
    });
  });
});
