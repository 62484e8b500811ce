import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MagicNumber } from '@switchboard/simulators';
import { MAGIC_NUMBERS, MAGIC_OUTCOMES, magicNumber, playedOutcome } from '@switchboard/simulators';
import { pollUntil } from '@switchboard/simulators/testing';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import type { Api, Sandbox, Vendor } from '../support/calls';
import { dialedBy, sandboxOf, TERMINAL_STATUSES, VENDORS } from '../support/calls';

/** The gateway status each magic number ends in, whichever vendor placed it. */
const FINAL_STATUS: Record<MagicNumber['behavior'], string> = {
  no_answer: 'no_answer',
  busy: 'busy',
  failed: 'failed',
  answer_lost: 'completed',
  completed: 'completed',
};

const TALK_SECONDS = 7;
const NUMBERS: MagicNumber[] = [
  ...MAGIC_NUMBERS,
  magicNumber(`+1 (555) 019-1${String(TALK_SECONDS).padStart(3, '0')}`)!,
];

/**
 * The documented test numbers (docs/sandbox.md) on a sandbox as `npm start` runs it, with no
 * control call to any simulator: each vendor plays the number's call in its own vocabulary,
 * and the gateway ends up with the documented status.
 */
describe('sandbox magic numbers', () => {
  let gw: TestGateway;
  let api: Api;
  let sandbox: Sandbox;

  before(async () => {
    // A create whose answer is lost is given up on after this long, then looked up at the vendor.
    gw = await startTestGateway({ VENDOR_TIMEOUT_MS: '1500', ROUTING_ABSENT_CONFIRM_MS: '200' });
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
  });
  after(() => gw.close());

  for (const vendor of VENDORS) {
    describe(vendor, () => {
      for (const magic of NUMBERS) {
        // KaiCalls lists calls without their numbers: a lost answer cannot be found there (below).
        if (vendor === 'kaicalls' && magic.behavior === 'answer_lost') continue;
        it(`${magic.number} (${magic.behavior}) ends ${FINAL_STATUS[magic.behavior]}`, async () => {
          const created = await api.post(
            '/v1/calls',
            { to: magic.number, agent_id: sandbox.agentId, provider: vendor },
            { signal: AbortSignal.timeout(30_000) },
          );
          assert.equal(created.status, 201, created.text);
          if (magic.behavior === 'answer_lost')
            assert.deepEqual(
              created.body.attempts.map((a: { outcome: string; error_code: string }) => [a.outcome, a.error_code]),
              [['created', 'answer_lost']],
              'found at the vendor after the timeout',
            );

          // A duration may come after the status (HMS Sovereign's report follows its `ended`).
          const call = await settled(
            api,
            created.body.id,
            `${vendor} ${magic.number}`,
            (c) => magic.behavior !== 'completed' || c.duration_seconds !== null,
          );
          assert.equal(call.status, FINAL_STATUS[magic.behavior], JSON.stringify(call));
          assert.equal(call.to, magic.number);
          if (magic.behavior === 'completed') assert.equal(call.duration_seconds, TALK_SECONDS);
          await assertNative(sandbox, vendor, magic);
        });
      }
    });
  }
});

/**
 * KaiCalls' call list has no numbers, so a create whose answer was lost can be neither found
 * there nor ruled out: the create answers 504 with the stored call, and the reconciler settles
 * it as `failed` / `lost` after RECONCILE_GIVE_UP_AFTER_SECONDS (shortened here).
 */
describe('sandbox magic numbers: a lost answer at KaiCalls', () => {
  let gw: TestGateway;
  let api: Api;
  let sandbox: Sandbox;
  before(async () => {
    gw = await startTestGateway({
      VENDOR_TIMEOUT_MS: '1500',
      ROUTING_ABSENT_CONFIRM_MS: '200',
      RECONCILE_AFTER_SECONDS: '1',
      RECONCILE_GIVE_UP_AFTER_SECONDS: '4',
    });
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
  });
  after(() => gw.close());

  it('+15550190004 answers 504, is never dialed twice, and ends failed (lost)', async () => {
    const magic = magicNumber('+15550190004')!;
    const created = await api.post(
      '/v1/calls',
      { to: magic.number, agent_id: sandbox.agentId, provider: 'kaicalls' },
      { signal: AbortSignal.timeout(30_000) },
    );
    assert.equal(created.status, 504, created.text);
    const id = created.body.error.details.find((d: { call_id?: string }) => d.call_id)?.call_id;
    assert.ok(id, created.text);
    const call = await settled(api, id, 'kaicalls +15550190004');
    assert.equal(call.status, 'failed', JSON.stringify(call));
    await assertNative(sandbox, 'kaicalls', magic);
  });
});

/** Polls GET /v1/calls/:id until the call ended and says why (end_reason may follow the status), and `also` holds. */
function settled(api: Api, id: string, what: string, also: (call: any) => boolean = () => true) {
  return pollUntil(
    async () => (await api.get(`/v1/calls/${id}`)).body,
    // end_reason's vocabulary is being closed elsewhere; here it only has to be said for calls that did not complete.
    (c) =>
      (TERMINAL_STATUSES as readonly string[]).includes(c.status) &&
      (c.status === 'completed' || !!c.end_reason) &&
      also(c),
    { timeoutMs: 30_000, intervalMs: 250, what: `${what} to end` },
  );
}

/** The vendor placed the call once, and its own record shows its native status for the outcome played. */
async function assertNative(sandbox: Sandbox, vendor: Vendor, magic: MagicNumber) {
  const native = MAGIC_OUTCOMES[vendor][playedOutcome(magic.behavior)];
  const dialed = await dialedBy(sandbox.vendors[vendor], (c) => JSON.stringify(c).includes(magic.number.slice(1)));
  assert.equal(dialed.length, 1, 'dialed once');
  assert.equal(dialed[0].status, native.status);
}
