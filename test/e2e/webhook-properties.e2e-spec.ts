import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConnectionsRepository } from '../../src/providers/connections.repository';
import { WebhookTargets } from '../../src/providers/webhook-targets.service';
import type { Api, Sandbox, Vendor } from '../support/calls';
import { sandboxOf, configureSimulators, VENDORS } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import type { Facts, KnownCall, Scenario, Status, VendorWebhook, WebhookEndpoint } from '../support/vendor-webhooks';
import { cleanSequence, deliver, FACT_FIELDS, SCENARIOS } from '../support/vendor-webhooks';

/**
 * Property-based tests over generated vendor webhook sequences, through HTTP: for each
 * vendor, the clean sequence one call sends for one outcome, then duplicates (any element
 * repeated), reorderings (any permutation) and drops (any subset) of it, each webhook signed
 * as the vendor signs it and POSTed to /webhooks/:provider/:connection_id. Then:
 *  1. with nothing dropped, the call ends exactly as a call that got the clean sequence in
 *     order (same vendor facts: the schedule of vendor times is fixed, see vendor-webhooks.ts);
 *  2. its timeline never moves a status back (queued < ringing < in_progress < terminal, a
 *     bare `failed` refined once) and has no status or *_ready event twice;
 *  3. with drops, (2) still holds and the status is the one the webhooks that did arrive imply.
 * Only the generated webhooks reach the gateway: the simulators send none (`drop`) and their
 * calls never end by themselves, and the reconciler never reads the vendor during the test.
 */

const DAY_MS = 86_400_000;
/** Any number: the simulators' default scenario (set below) applies to every call. */
const TO = '+15550104242';
/** Runs per vendor; each run places one call and sends up to a dozen webhooks. */
const RUNS_NO_DROPS = 20;
const RUNS_WITH_DROPS = 15;

const RANK: Record<Status, number> = {
  queued: 0,
  ringing: 1,
  in_progress: 2,
  completed: 3,
  failed: 3,
  no_answer: 3,
  busy: 3,
  canceled: 3,
};
const isTerminal = (s: Status) => RANK[s] === 3;
/** What a bare `failed` may still become (libs/core/src/calls/call-status.ts REFINES_FAILED). */
const REFINES_FAILED: readonly Status[] = ['no_answer', 'busy', 'canceled'];
const STATUS_EVENTS = new Set([
  'call.ringing',
  'call.in_progress',
  'call.completed',
  'call.failed',
  'call.no_answer',
  'call.busy',
  'call.canceled',
]);
const READY: [string, 'recording_url' | 'transcript' | 'summary'][] = [
  ['call.recording_ready', 'recording_url'],
  ['call.transcript_ready', 'transcript'],
  ['call.summary_ready', 'summary'],
];

const factsOf = (call: any): Facts => Object.fromEntries(FACT_FIELDS.map((f) => [f, call[f]])) as Facts;

/**
 * The status the webhooks that arrived imply, whatever their order: the highest-ranked one
 * reported (and the create's), where among terminal reports the reason (busy, no_answer)
 * beats a bare `failed`. Written independently of the gateway's status machine.
 */
function impliedStatus(created: Status, reports: Status[]): Status {
  const terminal = reports.filter(isTerminal);
  if (terminal.length) return terminal.find((s) => s !== 'failed') ?? 'failed';
  return [created, ...reports].reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

/** Property (2) on one call's timeline, and that it agrees with the call it ends with. */
function checkTimeline(events: any[], final: any, what: string): void {
  const types = events.map((e) => e.type as string);
  const sequences = events.map((e) => Number(e.sequence));
  assert.deepEqual(
    sequences,
    [...sequences].sort((a, b) => a - b),
    `${what}: events in sequence order`,
  );
  assert.equal(types.filter((t) => t === 'call.created').length, 1, `${what}: one call.created (${types.join(', ')})`);
  const statuses = events.map((e) => e.data.call.status as Status);
  for (let i = 1; i < statuses.length; i++) {
    const [a, b] = [statuses[i - 1], statuses[i]];
    const forward = RANK[b] > RANK[a] || a === b || (a === 'failed' && REFINES_FAILED.includes(b));
    assert.ok(forward, `${what}: status went back ${a} → ${b} (${statuses.join(' → ')}; events ${types.join(', ')})`);
  }
  for (const type of new Set(types)) {
    if (STATUS_EVENTS.has(type) || type.endsWith('_ready'))
      assert.equal(types.filter((t) => t === type).length, 1, `${what}: ${type} more than once (${types.join(', ')})`);
  }
  for (const e of events) {
    if (STATUS_EVENTS.has(e.type))
      assert.equal(`call.${e.data.call.status}`, e.type, `${what}: ${e.type} carries the call as it became`);
  }
  for (const [type, field] of READY) {
    const present = final[field] !== null && !(Array.isArray(final[field]) && final[field].length === 0);
    assert.equal(types.includes(type), present, `${what}: ${type} iff ${field} is known (${types.join(', ')})`);
  }
  assert.equal(statuses.at(-1), final.status, `${what}: the last event shows the final status`);
  if (final.status !== 'queued')
    assert.ok(
      types.includes(`call.${final.status}`),
      `${what}: call.${final.status} was emitted (${types.join(', ')})`,
    );
}

/** Any permutation of 0..n-1 (or of a subset of it, with drops), with up to 4 extra copies inserted anywhere. */
function deliveryOrder(n: number, drops: boolean): fc.Arbitrary<number[]> {
  const indices = [...Array(n).keys()];
  const kept = drops ? fc.shuffledSubarray(indices) : fc.shuffledSubarray(indices, { minLength: n, maxLength: n });
  return fc.tuple(kept, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 })).map(([order, copies]) => {
    const out = [...order];
    if (order.length)
      for (const [which, where] of copies) out.splice(where % (out.length + 1), 0, order[which % order.length]);
    return out;
  });
}

describe('vendor webhook sequences with duplicates, reorderings and drops (fast-check, over HTTP)', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  /** Vendor times of every generated sequence count from here (whole seconds: Kalem prints none finer). */
  let t0: number;

  before(async () => {
    gw = await startTestGateway({
      // Nothing but the generated webhooks may change a call during a property. Calls are never
      // quiet for RECONCILE_AFTER_SECONDS, so the reconciler polls none; but a call ended by a
      // webhook gets one vendor read RECONCILE_FINAL_READ_SECONDS later (0 in tests), and the
      // simulator would answer it with its own view (still ringing, with its own facts) while
      // the next webhooks are on their way. An hour puts that read after the test.
      RECONCILE_AFTER_SECONDS: '3600',
      RECONCILE_FINAL_READ_SECONDS: '3600',
      // A few hundred calls and reads in well under a minute, on the one admin key.
      RATE_LIMIT_PER_KEY: '100000',
    });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    // The simulators send no webhooks of their own and their calls ring for a (simulated) day.
    await configureSimulators(sb, { outcome: 'completed', ring_ms: DAY_MS, talk_ms: DAY_MS, webhooks: 'drop' });
    // A minute ago, so each webhook arrives after the vendor time it reports, as in life.
    t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  });
  after(() => gw.close());

  async function placeCall(vendor: Vendor): Promise<{ created: any; known: KnownCall }> {
    const res = await api.post('/v1/calls', { to: TO, agent_id: sb.agentId, provider: vendor });
    assert.equal(res.status, 201, res.text);
    const created = res.body;
    assert.equal(typeof created.provider_call_id, 'string', `the ${vendor} create returned the vendor's call id`);
    return {
      created,
      known: {
        id: created.id,
        providerCallId: created.provider_call_id,
        to: created.to,
        from: created.from,
        providerAgentId: sb.vendors[vendor].providerAgentId,
      },
    };
  }

  /** POSTs webhooks in the given order: each answers 200, the repeats as duplicates that apply nothing. */
  async function deliverAll(endpoint: WebhookEndpoint, webhooks: VendorWebhook[]): Promise<void> {
    const seen = new Set<string>();
    for (const w of webhooks) {
      const res = await deliver(endpoint, w.body);
      assert.equal(res.status, 200, `${w.label}: ${res.status} ${res.text}`);
      const duplicate = seen.has(w.body);
      seen.add(w.body);
      assert.deepEqual(
        res.body,
        { received: true, duplicate, state: duplicate ? 'ignored' : 'applied' },
        `${w.label} (duplicate: ${duplicate})`,
      );
    }
  }

  async function read(id: string): Promise<{ call: any; events: any[] }> {
    // Webhook answers come after their transaction committed: reading now sees all of them.
    const call = await api.get(`/v1/calls/${id}`);
    assert.equal(call.status, 200, call.text);
    const events = await api.get(`/v1/calls/${id}/events`);
    assert.equal(events.status, 200, events.text);
    return { call: call.body, events: events.body.data };
  }

  for (const vendor of VENDORS) {
    describe(vendor, () => {
      let endpoint: WebhookEndpoint;
      /** Per scenario: a call that got the clean sequence in order. */
      const reference = new Map<Scenario, { created: any; call: any; events: any[]; expected: Facts }>();
      /** The labels of each scenario's clean sequence (they do not depend on the call). */
      const labels = new Map<Scenario, string[]>();

      before(async () => {
        for (const scenario of SCENARIOS[vendor]) {
          const { created, known } = await placeCall(vendor);
          // The connection's secret exists once a create has run on it (Klen: issued at registration).
          if (!endpoint) {
            const connection = await gw.gateway.app.get(ConnectionsRepository).find(sb.vendors[vendor].connectionId);
            const secret = gw.gateway.app.get(WebhookTargets).secretOf(connection!);
            assert.ok(secret, `${vendor}: the connection has a webhook secret after a create`);
            endpoint = { gatewayUrl: gw.url, vendor, connectionId: connection!.id, secret };
          }
          const clean = cleanSequence(vendor, scenario, known, t0);
          labels.set(
            scenario,
            clean.webhooks.map((w) => w.label),
          );
          await deliverAll(endpoint, clean.webhooks);
          reference.set(scenario, { created, ...(await read(created.id)), expected: clean.facts });
        }
      });

      for (const scenario of SCENARIOS[vendor]) {
        it(`${scenario}: the clean sequence, in order, ends the call with the vendor’s facts and a forward-only timeline`, () => {
          const ref = reference.get(scenario)!;
          checkTimeline(ref.events, ref.call, `${vendor} ${scenario} (clean)`);
          assert.deepEqual(factsOf(ref.call), ref.expected, `${vendor} ${scenario}: the clean sequence's final state`);
        });
      }

      async function runDelivery(scenario: Scenario, delivery: string[], drops: boolean): Promise<void> {
        const { created, known } = await placeCall(vendor);
        const clean = cleanSequence(vendor, scenario, known, t0);
        const byLabel = new Map(clean.webhooks.map((w) => [w.label, w]));
        await deliverAll(
          endpoint,
          delivery.map((label) => byLabel.get(label)!),
        );
        const { call, events } = await read(created.id);
        const what = `${vendor} ${scenario} [${delivery.join(', ')}]`;
        checkTimeline(events, call, what);
        const kept = new Set(delivery);
        const ref = reference.get(scenario)!;
        if (kept.size === clean.webhooks.length) {
          assert.deepEqual(factsOf(call), factsOf(ref.call), `${what}: same final state as the clean sequence's`);
          return;
        }
        assert.ok(drops, `${what}: nothing may be dropped here`);
        const reports = clean.webhooks.filter((w) => kept.has(w.label) && w.reports).map((w) => w.reports!);
        assert.equal(
          call.status,
          impliedStatus(created.status, reports),
          `${what}: the status the delivered webhooks imply`,
        );
        assert.equal(call.ended_at !== null, isTerminal(call.status), `${what}: ended_at is known iff the call ended`);
        assert.equal(call.end_reason !== null, isTerminal(call.status), `${what}: an end reason iff the call ended`);
        // Why it ended follows what arrived: a bare `failed` whose refinement (or whose vendor
        // reason) was dropped has what the status implies, not the clean call's `no_answer`.
        const reasonDropped =
          call.status !== ref.call.status ||
          (call.provider_end_reason === null && ref.call.provider_end_reason !== null);
        const followStatus = new Set(reasonDropped ? ['end_reason', 'error'] : []);
        if (call.status === 'failed') assert.ok(call.error?.code, `${what}: a failure says what kind it was`);
        // Whatever else is known is the vendor's (the clean call's) fact; a dropped one stays unknown.
        for (const field of FACT_FIELDS) {
          if (field === 'status' || field === 'ended_at' || followStatus.has(field) || call[field] === null) continue;
          assert.deepEqual(call[field], ref.call[field], `${what}: ${field} is the vendor's`);
        }
      }

      const plans = (drops: boolean) =>
        fc.constantFrom(...SCENARIOS[vendor]).chain((scenario) =>
          deliveryOrder(labels.get(scenario)!.length, drops).map((order) => ({
            scenario,
            delivery: order.map((i) => labels.get(scenario)![i]),
          })),
        );

      it('duplicates and reorderings: every webhook answers 200, the call ends as with the clean sequence, the timeline only moves forward', async () => {
        await fc.assert(
          fc.asyncProperty(plans(false), ({ scenario, delivery }) => runDelivery(scenario, delivery, false)),
          { numRuns: RUNS_NO_DROPS, includeErrorInReport: true },
        );
      });

      it('with drops as well: the timeline only moves forward and the status is the one the delivered webhooks imply', async () => {
        await fc.assert(
          fc.asyncProperty(plans(true), ({ scenario, delivery }) => runDelivery(scenario, delivery, true)),
          { numRuns: RUNS_WITH_DROPS, includeErrorInReport: true },
        );
      });
    });
  }
});
