import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import { pollUntil } from '@switchboard/simulators/testing';
import { sandboxSetup, sim, simCalls, waitForTerminal } from '../support/calls';

const VENDORS = ['kalem', 'klen', 'kaicalls', 'hmsovereign'];

describe('/v1/calls', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let byVendor: Record<string, any>;
  let agent: any;
  let simOrigin: (vendor: string) => string;

  /** Ids of every call a list query returns (one page of up to 200 is enough here). */
  async function listIds(query: string): Promise<string[]> {
    const res = await api.get(`/v1/calls?limit=200&${query}`);
    assert.equal(res.status, 200, `GET /v1/calls?${query}: ${res.text}`);
    return res.body.data.map((c: { id: string }) => c.id);
  }

  async function place(body: Record<string, unknown>) {
    const res = await api.post('/v1/calls', { agent_id: agent.id, provider: 'kaicalls', ...body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    ({ byVendor, agent, simOrigin } = await sandboxSetup(api));
    assert.ok(agent, 'the sandbox agent exists');
    for (const vendor of VENDORS) {
      await sim(simOrigin(vendor), 'config', { rate_limits: false });
      await sim(simOrigin(vendor), 'scenario', { outcome: 'completed', ring_ms: 300, talk_ms: 2000 });
    }
  });
  after(() => gw.close());

  describe('validation', () => {
    it('reports a bad number in a batch as to[i], one details entry', async () => {
      const res = await api.post('/v1/calls', {
        to: ['+14155550100', 'not a number', '+14155550101'],
        agent_id: agent.id,
        provider: 'kaicalls',
      });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.details.length, 1, res.text);
      assert.equal(res.body.error.details[0].field, 'to[1]');
      assert.ok(res.body.error.request_id);
    });

    it('reports a bad single number as to', async () => {
      const res = await api.post('/v1/calls', { to: '+1 23', agent_id: agent.id, provider: 'kaicalls' });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(
        res.body.error.details.map((d: any) => d.field),
        ['to'],
      );
    });

    it('refuses an unknown agent_id with field agent_id', async () => {
      const res = await api.post('/v1/calls', { to: '+14155550100', agent_id: 'agt_01h455vb4pex5vsknk084sn02q' });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(
        res.body.error.details.map((d: any) => d.field),
        ['agent_id'],
      );
    });

    it('refuses an unknown connection in provider with field provider', async () => {
      const res = await api.post('/v1/calls', {
        to: '+14155550100',
        agent_id: agent.id,
        provider: 'con_01h455vb4pex5vsknk084sn02q',
      });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(
        res.body.error.details.map((d: any) => d.field),
        ['provider'],
      );
      const name = await api.post('/v1/calls', { to: '+14155550100', agent_id: agent.id, provider: 'twilio' });
      assert.equal(name.status, 422, name.text);
      assert.deepEqual(
        name.body.error.details.map((d: any) => d.field),
        ['provider'],
      );
    });

    it('refuses metadata with 51 keys and metadata with a 501-character value', async () => {
      const dialedBefore = (await simCalls(simOrigin('kaicalls'))).length;
      const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      const tooMany = await api.post('/v1/calls', {
        to: '+14155550100',
        agent_id: agent.id,
        provider: 'kaicalls',
        metadata: many,
      });
      assert.equal(tooMany.status, 422, tooMany.text);
      assert.equal(tooMany.body.error.code, 'validation_failed');
      assert.deepEqual(
        tooMany.body.error.details.map((d: any) => d.field),
        ['metadata'],
      );

      const long = await api.post('/v1/calls', {
        to: '+14155550100',
        agent_id: agent.id,
        provider: 'kaicalls',
        metadata: { note: 'x'.repeat(501) },
      });
      assert.equal(long.status, 422, long.text);
      assert.equal(long.body.error.details.length, 1);
      assert.match(long.body.error.details[0].field, /^metadata/);

      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
      assert.equal(
        (await simCalls(simOrigin('kaicalls'))).length,
        dialedBefore,
        'nothing was dialed for refused requests',
      );
      const ok = await api.post('/v1/calls', {
        to: '+14155550100',
        agent_id: agent.id,
        provider: 'kaicalls',
        metadata: fifty,
      });
      assert.equal(ok.status, 201, `50 keys of 500 characters are within the limits: ${ok.text.slice(0, 300)}`);
    });
  });

  it('creates a batch: to as an array of 3 gives 201 { data: [3 calls] }', async () => {
    const to = ['+1 (415) 555-0110', '+14155550111', '+14155550112'];
    const res = await api.post('/v1/calls', {
      to,
      agent_id: agent.id,
      provider: 'kaicalls',
      metadata: { suite: 'batch' },
    });
    assert.equal(res.status, 201, res.text);
    assert.ok(Array.isArray(res.body.data));
    assert.equal(res.body.data.length, 3);
    assert.deepEqual(
      res.body.data.map((c: any) => c.to),
      ['+14155550110', '+14155550111', '+14155550112'],
    );
    for (const call of res.body.data) {
      assert.match(call.id, /^call_[0-9a-z]{26}$/);
      assert.equal(call.provider, 'kaicalls');
      assert.equal(call.connection_id, byVendor.kaicalls.id);
      assert.equal(call.agent_id, agent.id);
      assert.ok(call.provider_call_id);
    }
    assert.equal(new Set(res.body.data.map((c: any) => c.id)).size, 3);
    const listed = await listIds('metadata%5Bsuite%5D=batch');
    assert.deepEqual([...listed].sort(), res.body.data.map((c: any) => c.id).sort());
  });

  describe('list filters', () => {
    let a: any; // kaicalls, sandbox agent, completed
    let b: any; // hmsovereign, sandbox agent, busy
    let c: any; // kaicalls, second agent
    let otherAgent: any;

    before(async () => {
      const linked = await api.post('/v1/agents', {
        name: 'Filter agent',
        bindings: [
          {
            connection_id: byVendor.kaicalls.id,
            provider_agent_id: agent.bindings.find((x: any) => x.provider === 'kaicalls').provider_agent_id,
          },
        ],
      });
      assert.equal(linked.status, 201, linked.text);
      otherAgent = linked.body;
      await sim(simOrigin('hmsovereign'), 'scenario', { to: '+14155550122', outcome: 'busy', ring_ms: 300 });

      a = await place({ to: '+14155550121', metadata: { suite: 'filters', who: 'a' } });
      b = await place({ to: '+14155550122', provider: 'hmsovereign', metadata: { suite: 'filters', who: 'b' } });
      c = await place({ to: '+14155550123', agent_id: otherAgent.id, metadata: { suite: 'filters', who: 'c' } });
      for (const call of [a, b, c]) await waitForTerminal(api, call.id);
    });

    it('filters by status', async () => {
      const busy = await listIds('status=busy');
      assert.ok(busy.includes(b.id));
      assert.ok(!busy.includes(a.id) && !busy.includes(c.id));
      const completed = await listIds('status=completed');
      assert.ok(completed.includes(a.id) && completed.includes(c.id) && !completed.includes(b.id));
      const bad = await api.get('/v1/calls?status=bogus');
      assert.equal(bad.status, 422);
    });

    it('filters by provider (name or connection id) and connection_id', async () => {
      const hms = await listIds('provider=hmsovereign');
      assert.ok(hms.includes(b.id) && !hms.includes(a.id));
      const byCon = await listIds(`provider=${byVendor.kaicalls.id}`);
      assert.ok(byCon.includes(a.id) && byCon.includes(c.id) && !byCon.includes(b.id));
      const con = await listIds(`connection_id=${byVendor.hmsovereign.id}`);
      assert.ok(con.includes(b.id) && !con.includes(a.id) && !con.includes(c.id));
    });

    it('filters by agent_id and direction', async () => {
      const other = await listIds(`agent_id=${otherAgent.id}`);
      assert.deepEqual(other, [c.id]);
      const sandbox = await listIds(`agent_id=${agent.id}`);
      assert.ok(sandbox.includes(a.id) && sandbox.includes(b.id) && !sandbox.includes(c.id));
      const outbound = await listIds('direction=outbound&metadata%5Bsuite%5D=filters');
      assert.equal(outbound.length, 3);
      assert.deepEqual(await listIds('direction=inbound'), []);
    });

    it('filters by to and from (in human formats too)', async () => {
      assert.deepEqual(await listIds(`to=${encodeURIComponent('+1 (415) 555-0121')}`), [a.id]);
      assert.deepEqual(await listIds(`to=${encodeURIComponent('+14155550122')}`), [b.id]);
      assert.ok(a.from, 'a KaiCalls call carries the connection default caller id');
      const from = await listIds(`from=${encodeURIComponent(a.from)}`);
      assert.ok(from.includes(a.id) && from.includes(c.id));
      assert.ok(!from.includes(b.id) || b.from === a.from);
    });

    it('searches with q by number and by id', async () => {
      assert.deepEqual(await listIds('q=5550121'), [a.id]);
      assert.deepEqual(await listIds(`q=${encodeURIComponent('+1 415 555 0123')}`), [c.id]);
      assert.deepEqual(await listIds(`q=${b.id}`), [b.id]);
      assert.deepEqual(await listIds('q=call_01h455vb4pex5vsknk084sn02q'), []);
      // Digits inside something that is not a number (a vendor id, a word) search no number.
      assert.deepEqual(await listIds('q=x5550121'), []);
      assert.deepEqual(await listIds(`q=${encodeURIComponent('(415) 555.0123')}`), [c.id]);
    });

    /** An ISO time `ms` milliseconds after the given one. */
    const shift = (iso: string, ms: number) => encodeURIComponent(new Date(Date.parse(iso) + ms).toISOString());

    it('filters by created_after and created_before', async () => {
      // +1 ms: the API shows created_at in whole milliseconds, the database keeps microseconds.
      const afterA = await listIds(`created_after=${shift(a.created_at, 1)}&metadata%5Bsuite%5D=filters`);
      assert.ok(
        !afterA.includes(a.id) && afterA.includes(b.id) && afterA.includes(c.id),
        JSON.stringify({ afterA, a: a.created_at }),
      );
      const beforeC = await listIds(`created_before=${shift(c.created_at, 0)}&metadata%5Bsuite%5D=filters`);
      assert.ok(beforeC.includes(a.id) && beforeC.includes(b.id) && !beforeC.includes(c.id));
      const window = await listIds(`created_after=${shift(a.created_at, 1)}&created_before=${shift(c.created_at, 0)}`);
      assert.deepEqual(window, [b.id]);
      assert.equal((await api.get('/v1/calls?created_after=yesterday')).status, 422);
    });

    it('excludes a call from created_after=<its own created_at> (times compare at the millisecond the API shows)', async () => {
      const afterA = await listIds(`created_after=${encodeURIComponent(a.created_at)}&metadata%5Bsuite%5D=filters`);
      assert.ok(!afterA.includes(a.id), JSON.stringify({ afterA, a: a.created_at }));
    });

    it('filters by metadata[key]=value', async () => {
      assert.deepEqual(await listIds('metadata%5Bwho%5D=b'), [b.id]);
      assert.deepEqual(await listIds('metadata%5Bsuite%5D=filters&metadata%5Bwho%5D=c'), [c.id]);
      assert.deepEqual(await listIds('metadata%5Bwho%5D=nobody'), []);
      const all = await listIds('metadata%5Bsuite%5D=filters');
      assert.deepEqual([...all].sort(), [a.id, b.id, c.id].sort());
    });
  });

  it('pages over more than one page with inserts between pages: newest first, none twice, none missed', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await place({ to: `+1415555014${i}`, metadata: { suite: 'paging' } })).id);
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await api.get(
        `/v1/calls?limit=2&metadata%5Bsuite%5D=paging${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data);
      if (pages === 0)
        created.push('inserted:' + (await place({ to: '+14155550149', metadata: { suite: 'paging' } })).id);
      cursor = res.body.next_cursor;
      assert.equal(res.body.has_more, cursor !== null);
      pages++;
    } while (cursor);
    const ids = seen.map((c) => c.id);
    assert.equal(pages, 3);
    assert.equal(new Set(ids).size, ids.length, 'no call appears twice');
    assert.deepEqual(
      [...ids].sort(),
      created.filter((id) => !id.startsWith('inserted:')).sort(),
      'every earlier call is seen once',
    );
    assert.deepEqual(ids, [...ids].sort().reverse(), 'newest first by id');
    const times = seen.map((c) => Date.parse(c.created_at));
    assert.deepEqual(
      times,
      [...times].sort((x, y) => y - x),
      'newest first by created_at',
    );
    assert.equal((await api.get('/v1/calls?cursor=garbage')).status, 422);
  });

  describe('cancel and delete', () => {
    it('refuses DELETE while active, deletes after it ends, refuses cancel of an ended call', async () => {
      await sim(simOrigin('kaicalls'), 'scenario', {
        to: '+14155550160',
        outcome: 'completed',
        ring_ms: 300,
        talk_ms: 60_000,
      });
      const call = await place({ to: '+14155550160' });
      const active = await api.delete(`/v1/calls/${call.id}`);
      assert.equal(active.status, 409, active.text);
      assert.equal(active.body.error.code, 'conflict');

      const ended = await waitForTerminal(api, call.id);
      assert.equal(ended.status, 'completed');
      const cancel = await api.post(`/v1/calls/${call.id}/cancel`);
      assert.equal(cancel.status, 409, cancel.text);
      assert.equal(cancel.body.error.code, 'conflict');

      assert.equal((await api.delete(`/v1/calls/${call.id}`)).status, 204);
      const gone = await api.get(`/v1/calls/${call.id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, 'not_found');
      assert.ok(!(await listIds(`q=${call.id}`)).includes(call.id));
      assert.equal((await api.get(`/v1/calls/${call.id}/events`)).status, 404);
    });

    it('cancels a live HMS Sovereign call (the vendor that can end calls)', async () => {
      await sim(simOrigin('hmsovereign'), 'scenario', {
        to: '+14155550161',
        outcome: 'completed',
        ring_ms: 300,
        talk_ms: 600_000,
      });
      const call = await place({ to: '+14155550161', provider: 'hmsovereign' });
      await pollUntil(
        () => api.get(`/v1/calls/${call.id}`),
        (r) => r.body.status === 'in_progress',
        { timeoutMs: 10_000, intervalMs: 50, what: 'the call to be answered' },
      );
      const res = await api.post(`/v1/calls/${call.id}/cancel`);
      assert.equal(res.status, 200, res.text);
      assert.ok(['canceled', 'completed'].includes(res.body.status), res.body.status);
      const ended = await waitForTerminal(api, call.id);
      assert.equal(ended.status, res.body.status, 'a terminal call does not change again');
    });
  });

  // HMS Sovereign accepts end-call only on in-progress calls: the vendor's refusal is a 409 the
  // client can retry, never a 502 and never a cancellation the vendor did not carry out.
  it('answers 409 conflict when asked to cancel a still-ringing HMS Sovereign call', async () => {
    await sim(simOrigin('hmsovereign'), 'scenario', {
      to: '+14155550162',
      outcome: 'completed',
      ring_ms: 400_000,
      talk_ms: 1000,
    });
    const call = await place({ to: '+14155550162', provider: 'hmsovereign' });
    const res = await api.post(`/v1/calls/${call.id}/cancel`);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'conflict');
    const still = await api.get(`/v1/calls/${call.id}`);
    assert.ok(['queued', 'ringing'].includes(still.body.status));
  });

  describe('capability_unsupported', () => {
    it('refuses to cancel a Klen call, naming the provider', async () => {
      await sim(simOrigin('klen'), 'scenario', {
        to: '+14155550170',
        outcome: 'completed',
        ring_ms: 300,
        talk_ms: 60_000,
      });
      const call = await place({ to: '+14155550170', provider: 'klen' });
      const res = await api.post(`/v1/calls/${call.id}/cancel`);
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'capability_unsupported');
      assert.match(res.body.error.message, /klen/i);
      assert.match(res.body.error.message, /cancel/i);
    });

    it('refuses a SIP destination on KaiCalls without dialing', async () => {
      const dialedBefore = (await simCalls(simOrigin('kaicalls'))).length;
      const res = await api.post('/v1/calls', { to: 'sip:1001@example.com', agent_id: agent.id, provider: 'kaicalls' });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'capability_unsupported');
      assert.match(res.body.error.message, /kaicalls/i);
      assert.equal((await simCalls(simOrigin('kaicalls'))).length, dialedBefore);
      const listed = await listIds(`to=${encodeURIComponent('sip:1001@example.com')}`);
      assert.deepEqual(listed, [], 'no call row is left behind');
    });
  });

  describe('not found', () => {
    it('answers 404 for an unknown call id and for an id of another type', async () => {
      for (const id of ['call_01h455vb4pex5vsknk084sn02q', agent.id, byVendor.kaicalls.id, 'nonsense']) {
        const get = await api.get(`/v1/calls/${id}`);
        assert.equal(get.status, 404, `GET ${id}: ${get.text}`);
        assert.equal(get.body.error.code, 'not_found');
        assert.equal((await api.delete(`/v1/calls/${id}`)).status, 404);
        assert.equal((await api.post(`/v1/calls/${id}/cancel`)).status, 404);
        assert.equal((await api.get(`/v1/calls/${id}/events`)).status, 404);
      }
    });
  });

  describe('reads while a vendor is down or hanging', () => {
    it('serves the cached call instead of failing or waiting out the vendor timeout', async () => {
      await sim(simOrigin('kaicalls'), 'scenario', {
        to: '+14155550190',
        outcome: 'completed',
        ring_ms: 300,
        talk_ms: 600_000,
      });
      const call = await place({ to: '+14155550190' });
      // From now on every KaiCalls request hangs for a minute (the gateway's vendor timeout is 10 s).
      await sim(simOrigin('kaicalls'), 'faults', { mode: 'timeout', delay_ms: 60_000 });
      try {
        // Past the one-second freshness window, a read has to try the vendor again.
        const probe = await pollUntil(
          () => api.get(`/v1/calls/${call.id}`, { signal: AbortSignal.timeout(8_000) }),
          (r) => r.status === 200 && Date.now() - Date.parse(r.body.updated_at) > 1_000,
          { timeoutMs: 20_000, intervalMs: 200, what: 'a read past the freshness window' },
        );
        assert.equal(probe.body.id, call.id);
        const listed = await api.get(`/v1/calls?to=%2B14155550190`, { signal: AbortSignal.timeout(8_000) });
        assert.equal(listed.status, 200);
        assert.equal(listed.body.data[0].id, call.id);
      } finally {
        await sim(simOrigin('kaicalls'), 'faults', { mode: 'none' });
      }
    });
  });
});
