import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SIMULATED_VENDORS, startSimulators, stopSimulators } from './harness';

describe('simulator harness', () => {
  it('starts all four vendors on ephemeral loopback ports, each answering with its own auth, and stops them', async () => {
    const accounts = await startSimulators();
    try {
      assert.deepEqual(
        accounts.map((a) => a.vendor),
        [...SIMULATED_VENDORS],
      );
      assert.equal(new Set(accounts.map((a) => a.simulator.port)).size, 4);
      for (const account of accounts) {
        const denied = await fetch(`${account.baseUrl}/calls`);
        assert.equal(denied.status, 401, `${account.vendor} refuses a missing key`);
        const control = await fetch(`${account.simulator.url}/__sim/calls`);
        assert.equal(control.status, 200);
        assert.equal(((await control.json()) as { vendor?: string }).vendor, account.vendor);
      }
    } finally {
      await stopSimulators(accounts);
    }
    await assert.rejects(fetch(`${accounts[0].simulator.url}/__sim/calls`), 'closed after stop');
  });
});
