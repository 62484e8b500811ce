import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import type { HttpRequest, HttpTransport, ProviderAdapter } from '@switchboard/core';
import type { SimulatedAccount } from '@switchboard/simulators';
import { startSimulators, stopSimulators } from '@switchboard/simulators';
import { createAxiosTransport } from './common';
import type { RegisteredProviderName } from './registry';
import { PROVIDERS } from './registry';

/**
 * Vendors meter call creates, agent writes and live control apart from other requests; the
 * gateway's budgets can only follow if every client labels those requests. Checked against
 * the simulators, over the real HTTP transport, recording what each request said it was.
 */
describe('vendor requests say what they do, for rate budgets', () => {
  let accounts: SimulatedAccount[];
  const sent = new Map<RegisteredProviderName, HttpRequest[]>();
  const adapters = new Map<RegisteredProviderName, ProviderAdapter>();

  before(async () => {
    accounts = await startSimulators();
    for (const account of accounts) {
      const vendor = account.vendor as RegisteredProviderName;
      const real = createAxiosTransport(axios.create());
      const recording: HttpTransport = {
        request: (request) => {
          sent.set(vendor, [...(sent.get(vendor) ?? []), request]);
          return real.request(request);
        },
      };
      await axios.post(`${account.simulator.url}/__sim/config`, { rate_limits: false });
      adapters.set(
        vendor,
        PROVIDERS[vendor].create({
          baseUrl: account.baseUrl,
          credentials: { api_key: account.apiKey },
          defaults: account.defaults,
          http: recording,
          now: () => new Date(),
        }),
      );
    }
  });
  after(() => stopSimulators(accounts));

  /** Runs `act` and returns the operations of the requests it sent (outcomes do not matter here). */
  async function operationsOf(
    vendor: RegisteredProviderName,
    act: (adapter: ProviderAdapter) => Promise<unknown>,
  ): Promise<string[]> {
    sent.set(vendor, []);
    await act(adapters.get(vendor)!).catch(() => undefined);
    return (sent.get(vendor) ?? []).map((r) => `${r.method} ${r.operation ?? '-'}`);
  }

  for (const vendor of Object.keys(PROVIDERS) as RegisteredProviderName[]) {
    it(`${vendor}: a call create is a create_call; reads carry no operation`, async () => {
      const account = accounts.find((a) => a.vendor === vendor)!;
      const ops = await operationsOf(vendor, (a) =>
        a.createCall({
          to: '+14155550123',
          providerAgentId: account.sampleAgentId,
          record: true,
          metadata: {},
          reference: 'call_ops',
          webhook: { url: 'http://127.0.0.1:9/hook', secret: 's' },
        }),
      );
      assert.ok(ops.includes('POST create_call'), ops.join(', '));
      assert.deepEqual(await operationsOf(vendor, (a) => a.listCalls({ limit: 1 })), ['GET -']);
    });

    it(`${vendor}: its documented limits are whole positive numbers`, () => {
      const windows = PROVIDERS[vendor].capabilities.rateLimits;
      assert.ok(windows.length > 0);
      for (const w of windows)
        assert.ok(
          Number.isInteger(w.limit) && w.limit > 0 && Number.isInteger(w.windowSeconds) && w.windowSeconds > 0,
          JSON.stringify(w),
        );
    });
  }

  for (const vendor of ['kaicalls', 'hmsovereign'] as const) {
    it(`${vendor}: agent creates and updates are labelled`, async () => {
      assert.ok(
        (await operationsOf(vendor, (a) => a.createAgent({ name: 'Budget', systemPrompt: 'Be brief.' }))).includes(
          'POST create_agent',
        ),
      );
      const account = accounts.find((a) => a.vendor === vendor)!;
      assert.ok(
        (await operationsOf(vendor, (a) => a.updateAgent(account.sampleAgentId, { name: 'Budget 2' }))).includes(
          'PATCH update_agent',
        ),
      );
    });
  }

  it('hmsovereign: live control is labelled', async () => {
    assert.deepEqual(
      await operationsOf('hmsovereign', (a) => a.controlCall('call-unknown', { action: 'say', text: 'hi' })),
      ['POST control'],
    );
  });
});
