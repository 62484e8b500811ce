import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConnectionsRepository } from '../../src/providers/connections.repository';
import { WebhookTargets } from '../../src/providers/webhook-targets.service';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, ISO_Z, sandboxOf, waitForCall, waitForTerminal } from '../support/calls';
import { pollUntil } from '@switchboard/simulators/testing';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * POST /webhooks/:provider/:connection_id as a vendor would call it: verified, stored raw,
 * deduplicated, applied in order, and refused with the contract's codes when it is not the
 * vendor's. HMS Sovereign signs with HMAC and a timestamp, so its webhooks are forged here
 * with the connection's real secret; the simulator's own are switched off (`drop`).
 */
describe('inbound vendor webhooks', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  let secret: string;
  let hmsUrl: string;
  let db: DataSource;
  let number = 0;

  const sign = (body: string, ts = Math.floor(Date.now() / 1000), key = secret) => ({
    'content-type': 'application/json',
    'x-webhook-timestamp': String(ts),
    'x-webhook-signature': `sha256=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`,
  });
  const statusUpdate = (callId: string, status: string, at: Date, type = 'outbound_phone_call') =>
    JSON.stringify({
      message: {
        type: 'status-update',
        timestamp: at.toISOString(),
        call: { id: callId, type, status },
        phone_number: { number: '+31201234567' },
        customer: { number: '+15550107777' },
      },
    });
  const post = (body: string | Buffer, headers: Record<string, string>, url = hmsUrl) =>
    fetch(url, { method: 'POST', headers, body }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }));
  /** What one call has in the log and among stored webhooks (other calls' background reads don't count). */
  const counts = async (call: { id: string; provider_call_id: string }) =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM events WHERE call_id = $1)::int AS events,
                (SELECT count(*) FROM inbound_webhooks WHERE provider_call_id = $2 OR provider_call_id IS NULL)::int AS webhooks`,
        [call.id, call.provider_call_id],
      )
    )[0];

  /** A HMS call whose simulator sends nothing and never ends by itself: only forged webhooks move it. */
  async function quietCall(): Promise<any> {
    const to = `+1555011${String(++number).padStart(4, '0')}`;
    assert.equal(
      (await sb.vendors.hmsovereign.sim.post('/__sim/scenario', { to, webhooks: 'drop', ring_ms: 3_600_000 })).status,
      200,
    );
    const res = await api.post('/v1/calls', { to, agent_id: sb.agentId, provider: 'hmsovereign' });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  before(async () => {
    // The reconciler looks at unconfirmed creates after a second (the ambiguous case below).
    gw = await startTestGateway({ RECONCILE_AFTER_SECONDS: '1' });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb);
    db = gw.gateway.app.get(DataSource);
    await quietCall(); // the connection's secret is made on its first create
    const connection = (await gw.gateway.app.get(ConnectionsRepository).find(sb.vendors.hmsovereign.connectionId))!;
    secret = gw.gateway.app.get(WebhookTargets).secretOf(connection)!;
    hmsUrl = `${gw.url}/webhooks/hmsovereign/${connection.id}`;
  });
  after(() => gw.close());

  it('applies a signed event to its call once: the duplicate answers 200 and changes nothing', async () => {
    const call = await quietCall();
    const at = new Date(Date.now() - 1_000);
    const body = statusUpdate(call.provider_call_id, 'in-progress', at);
    const first = await post(body, sign(body));
    assert.deepEqual(first, { status: 200, body: { received: true, duplicate: false, state: 'applied' } });
    const live = (await api.get(`/v1/calls/${call.id}`)).body;
    assert.equal(live.status, 'in_progress');
    const event = (await api.get(`/v1/events?call_id=${call.id}&type=call.in_progress`)).body.data;
    assert.equal(event.length, 1);
    assert.deepEqual(event[0].data.provider, {
      name: 'hmsovereign',
      source: 'webhook',
      event_type: 'status-update:in-progress',
      occurred_at: at.toISOString(),
      received_at: event[0].data.provider.received_at,
    });
    assert.match(event[0].data.provider.received_at, ISO_Z);
    assert.equal(event[0].data.previous_status, live.status === 'in_progress' ? call.status : undefined);

    const before = await counts(call);
    const again = await post(body, sign(body));
    assert.deepEqual(again, { status: 200, body: { received: true, duplicate: true, state: 'ignored' } });
    assert.deepEqual(await counts(call), before, 'a duplicate stores nothing and emits nothing');
  });

  it('a stale report after the end changes no status and emits no status event', async () => {
    const call = await quietCall();
    const t0 = Date.now() - 10_000;
    for (const [status, dt] of [
      ['ended', 5_000],
      ['in-progress', 2_000],
    ] as const) {
      const body = statusUpdate(call.provider_call_id, status, new Date(t0 + dt));
      assert.equal((await post(body, sign(body))).status, 200);
    }
    const done = (await api.get(`/v1/calls/${call.id}`)).body;
    assert.equal(done.status, 'completed');
    const types = (await api.get(`/v1/calls/${call.id}/events`)).body.data.map((e: any) => e.type);
    assert.ok(!types.includes('call.in_progress'), types.join());
  });

  it('refuses what is not the vendor’s with the contract codes, and stores and changes nothing', async () => {
    const created = await quietCall();
    // The reconciler reads a live call a second after the create (RECONCILE_AFTER_SECONDS=1 here);
    // let that read land first, so only the refused webhooks below could change anything.
    const call = await waitForCall(
      api,
      created.id,
      (c) => c.status === 'ringing' && c.updated_at !== created.updated_at,
      'the reconciler to read the call once',
      15_000,
    );
    const body = statusUpdate(call.provider_call_id, 'in-progress', new Date());
    const before = await counts(call);
    const expectError = async (res: { status: number; body: any }, status: number, code: string) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
      assert.equal(typeof res.body.error.request_id, 'string');
    };
    await expectError(await post(body, sign(body, undefined, 'not-the-secret')), 401, 'unauthorized');
    await expectError(await post(body.replace('in-progress', 'ended'), sign(body)), 401, 'unauthorized');
    await expectError(await post(body, sign(body, Math.floor(Date.now() / 1000) - 600)), 401, 'unauthorized');
    await expectError(await post(body, { 'content-type': 'application/json' }), 401, 'unauthorized');
    await expectError(
      await post(body, sign(body), `${gw.url}/webhooks/hmsovereign/con_01jz0000000000000000000000`),
      404,
      'not_found',
    );
    await expectError(await post(body, sign(body), `${gw.url}/webhooks/hmsovereign/nonsense`), 404, 'not_found');
    await expectError(
      await post(body, sign(body), `${gw.url}/webhooks/klen/${sb.vendors.hmsovereign.connectionId}`),
      404,
      'not_found',
    );
    for (const garbage of ['not json', '[]', '{}', 'null', '{"message":{"type":"status-update"}}'])
      await expectError(await post(garbage, sign(garbage)), 400, 'invalid_json');
    const huge = JSON.stringify({ message: { type: 'status-update', pad: 'x'.repeat(1_100_000) } });
    await expectError(await post(huge, sign(huge)), 413, 'payload_too_large');
    const text = 'plain text body';
    await expectError(await post(text, { ...sign(text), 'content-type': 'text/plain' }), 400, 'invalid_json');
    assert.deepEqual(await counts(call), before);
    assert.equal(
      (
        await db.query(
          "SELECT count(*)::int AS n FROM inbound_webhooks WHERE received_at > now() - interval '1 minute' AND provider_call_id IS NULL",
        )
      )[0].n,
      0,
    );
    assert.equal((await api.get(`/v1/calls/${call.id}`)).body.status, call.status);
    assert.equal((await fetch(`${gw.url}/health/live`)).status, 200, 'still serving');
  });

  // After the refusals' test, which counts stored webhooks without a vendor call id.
  it('stores a vendor message with nothing to apply as ignored, once: its duplicate is told so', async () => {
    const body = JSON.stringify({
      message: { type: 'speech-update', timestamp: new Date().toISOString(), status: 'started', role: 'assistant' },
    });
    assert.deepEqual(await post(body, sign(body)), {
      status: 200,
      body: { received: true, duplicate: false, state: 'ignored' },
    });
    assert.deepEqual(await post(body, sign(body)), {
      status: 200,
      body: { received: true, duplicate: true, state: 'ignored' },
    });
    const stored = await db.query(`SELECT state, call_id FROM inbound_webhooks WHERE event_type = 'speech-update'`);
    assert.deepEqual(stored, [{ state: 'ignored', call_id: null }]);
  });

  it('each vendor’s proof is required: Kalem’s header, KaiCalls’ path secret, Klen’s signature', async () => {
    const body = JSON.stringify({
      call_id: 'x',
      status: 'completed',
      event: 'call.completed',
      event_type: 'call.ended',
      call: { klen_call_id: 'x' },
      timestamp: new Date().toISOString(),
    });
    const json = { 'content-type': 'application/json' };
    const at = (vendor: keyof Sandbox['vendors'], suffix = '') =>
      `${gw.url}/webhooks/${vendor}/${sb.vendors[vendor].connectionId}${suffix}`;
    const refused = [
      await post(body, json, at('kalem')),
      await post(body, { ...json, 'x-switchboard-webhook-secret': 'guess' }, at('kalem')),
      await post(body, json, at('kaicalls')),
      await post(body, json, at('kaicalls', '/guessed-token-guessed-token-guessed-token')),
      await post(body, { ...json, 'x-klen-signature': 'ab'.repeat(32) }, at('klen')),
      await post(body, json, at('klen')),
    ];
    for (const res of refused) {
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'unauthorized');
    }
    assert.equal(
      (await db.query(`SELECT count(*)::int AS n FROM inbound_webhooks WHERE provider <> 'hmsovereign'`))[0].n,
      0,
      'nothing stored',
    );
  });

  it('a call the gateway did not place arrives as an inbound call', async () => {
    const body = statusUpdate('inbound-call-1', 'in-progress', new Date(), 'inbound_phone_call');
    assert.deepEqual((await post(body, sign(body))).body, { received: true, duplicate: false, state: 'applied' });
    const found = (await api.get('/v1/calls?direction=inbound')).body.data;
    assert.equal(found.length, 1);
    assert.equal(found[0].provider_call_id, 'inbound-call-1');
    assert.equal(found[0].status, 'in_progress');
    assert.equal(found[0].agent_id, null);
  });

  it('a webhook for a deleted call is acknowledged and ignored; the call stays deleted, its events stay', async () => {
    const call = await quietCall();
    const end = statusUpdate(call.provider_call_id, 'ended', new Date());
    assert.equal((await post(end, sign(end))).status, 200);
    await waitForTerminal(api, call.id);
    const eventsBefore = (await api.get(`/v1/events?call_id=${call.id}`)).body.data;
    assert.equal((await api.delete(`/v1/calls/${call.id}`)).status, 204);
    assert.equal((await api.get(`/v1/calls/${call.id}`)).status, 404);
    const late = JSON.stringify({
      message: {
        type: 'end-of-call-report',
        timestamp: new Date().toISOString(),
        call: { id: call.provider_call_id, type: 'outbound_phone_call', status: 'ended' },
        summary: 'late',
        duration_seconds: 3,
        messages: [],
      },
    });
    assert.deepEqual((await post(late, sign(late))).body, { received: true, duplicate: false, state: 'ignored' });
    const events = (await api.get(`/v1/events?call_id=${call.id}`)).body.data;
    assert.deepEqual(
      events.slice(0, eventsBefore.length).map((e: any) => e.id),
      eventsBefore.map((e: any) => e.id),
      'earlier events are kept',
    );
    assert.equal(events.at(-1).type, 'call.deleted');
    assert.equal(events.at(-1).data.call.to, '', 'the deleted snapshot carries no phone number');
    assert.equal((await api.get('/v1/calls?q=' + encodeURIComponent(call.provider_call_id))).body.data.length, 0);
  });

  it('an ambiguous create is found at the vendor before the create answers; webhooks that came first are applied to it', async () => {
    await sb.vendors.hmsovereign.sim.post('/__sim/scenario', {
      to: '+15550119999',
      webhooks: 'normal',
      ring_ms: 300,
      talk_ms: 1_000,
    });
    assert.equal(
      (await sb.vendors.hmsovereign.sim.post('/__sim/faults', { mode: 'reset', after_create: true, count: 1 })).status,
      200,
    );
    const res = await api.post('/v1/calls', { to: '+15550119999', agent_id: sb.agentId, provider: 'hmsovereign' });
    // The dispatcher looks the call up by number and time, learns the id and applies whatever waited.
    assert.equal(res.status, 201, res.text);
    const callId = res.body.id;
    const done = await waitForCall(
      api,
      callId,
      (c) => c.status === 'completed' && c.summary !== null,
      'the ambiguous call to complete',
      20_000,
    );
    assert.deepEqual(
      done.attempts.map((a: any) => [a.outcome, a.error_code]),
      [['created', 'answer_lost']],
    );
    assert.equal(typeof done.provider_call_id, 'string');
    const completed = (await api.get(`/v1/events?call_id=${callId}&type=call.completed`)).body.data;
    assert.equal(completed.length, 1, 'ended once, whichever report said it first');
    const kept = await db.query(
      `SELECT state, count(*)::int AS n FROM inbound_webhooks WHERE provider_call_id = $1 GROUP BY state`,
      [done.provider_call_id],
    );
    assert.deepEqual(
      kept.map((r: any) => r.state),
      ['applied'],
      'every early webhook was applied to the call, none left pending',
    );
    const applied = await db.query(`SELECT DISTINCT call_id FROM inbound_webhooks WHERE provider_call_id = $1`, [
      done.provider_call_id,
    ]);
    assert.deepEqual(applied, [{ call_id: callId }]);
  });

  // The create writes its vendor answer in one statement only when nothing happened to the
  // call meanwhile. Here the vendor holds its answer while the call runs and its webhooks
  // arrive: Klen's carry no reference to the gateway's call, so they wait as pending for the
  // create; Kalem's echo the call id, so they are applied to the call at once. Either way
  // the create must take the general path and lose nothing.
  for (const vendor of ['klen', 'kalem'] as const) {
    it(`${vendor}: webhooks that arrive before the create's answer are all applied to the call, in order`, async () => {
      const to = `+1555012${String(++number).padStart(4, '0')}`;
      const sim = sb.vendors[vendor].sim;
      assert.equal(
        (await sim.post('/__sim/scenario', { to, webhooks: 'normal', ring_ms: 0, talk_ms: 100 })).status,
        200,
      );
      // The vendor holds its answer until told (delay_ms only bounds it).
      assert.equal(
        (await sim.post('/__sim/faults', { mode: 'slow', after_create: true, delay_ms: 60_000, count: 1 })).status,
        200,
      );
      const since = new Date();
      const creating = api.post('/v1/calls', { to, agent_id: sb.agentId, provider: vendor });
      // A webhook of this call reached the gateway and was stored while the create waits.
      await pollUntil(
        async () =>
          (
            await db.query(
              `SELECT count(*)::int AS n FROM inbound_webhooks WHERE connection_id = $1 AND received_at >= $2`,
              [sb.vendors[vendor].connectionId, since],
            )
          )[0].n,
        (n: number) => n > 0,
        { what: `a ${vendor} webhook before the create's answer`, timeoutMs: 20_000 },
      );
      assert.equal((await sim.post('/__sim/faults', { mode: 'none' })).status, 200);
      const res = await creating;
      assert.equal(res.status, 201, res.text);
      const done = await waitForCall(
        api,
        res.body.id,
        (c) => c.status === 'completed',
        `the ${vendor} call to complete`,
        20_000,
      );
      assert.deepEqual(
        done.attempts.map((a: any) => [a.outcome, a.error_code]),
        [['created', null]],
      );
      const webhooks = await db.query(
        `SELECT state, call_id, received_at FROM inbound_webhooks WHERE provider_call_id = $1 ORDER BY received_at`,
        [done.provider_call_id],
      );
      assert.ok(
        webhooks.some((w: any) => w.received_at.getTime() < Date.parse(done.attempts[0].at)),
        'at least one webhook reached the gateway before the create had its answer',
      );
      assert.deepEqual(
        [...new Set(webhooks.map((w: any) => `${w.state} ${w.call_id}`))],
        [`applied ${done.id}`],
        'every webhook applied to this call, none left pending',
      );
      const types = (await api.get(`/v1/events?call_id=${done.id}`)).body.data.map((e: any) => e.type);
      assert.equal(types.filter((t: string) => t === 'call.completed').length, 1, types.join(', '));
      assert.equal(types[0], 'call.created');
    });
  }
});
