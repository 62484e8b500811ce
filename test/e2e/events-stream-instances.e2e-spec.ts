import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import { configureSimulators, sandboxOf, waitForCall } from '../support/calls';
import type { GatewayProcess } from '../support/gateway-process';
import { startInstances } from '../support/gateway-instances';
import { client } from '../support/http';
import { SseClient } from '../support/sse';
import { createTestDatabase } from '../support/test-database';

/** Two instances on one database: a stream on one sees what the other writes, woken by NOTIFY. */
describe('event stream across instances', () => {
  it('an SSE client on process B sees the events of calls created through process A, in sequence order, and resumes without gaps after reconnecting', async (t) => {
    const db = await createTestDatabase();
    const procs: GatewayProcess[] = [];
    const streams: SseClient[] = [];
    try {
      if (db.kind !== 'postgres') {
        // The embedded engine's data dir admits one process; a second is refused by its lock file.
        t.diagnostic('embedded database: one process per data dir, so one instance');
        return;
      }
      // Nothing happens to a call after its last report, and B never polls the log on its
      // own: whatever reaches B's stream in time came through a notification. B first and
      // without sandbox: an instance starting with sandbox off disables sandbox connections it finds.
      const adminKey = await startInstances(
        db,
        { RECONCILE_FINAL_READ_SECONDS: '3600', SSE_POLL_INTERVAL_MS: '600000' },
        procs,
        [
          { name: 'b', env: { SWITCHBOARD_SANDBOX: 'off' } },
          { name: 'a', env: { SWITCHBOARD_SANDBOX: 'on' } },
        ],
      );
      const [b, a] = procs;

      const apiA = client(a.url, adminKey);
      const sandbox = await sandboxOf(apiA);
      await configureSimulators(sandbox, { ring_ms: 300, talk_ms: 600 });

      const first = await SseClient.open(`${b.url}/v1/events/stream`, { key: adminKey });
      streams.push(first);
      assert.equal(first.status, 200, first.text);
      const start = await pollUntil(
        () => first.comments.map((c) => /after sequence (\d+)$/.exec(c)).find(Boolean),
        Boolean,
        { what: "B's stream to open" },
      ).then((m) => Number(m![1]));

      const calls: string[] = [];
      for (const to of ['+15550160001', '+15550160002']) {
        const res = await apiA.post('/v1/calls', { to, agent_id: sandbox.agentId, provider: 'hmsovereign' });
        assert.equal(res.status, 201, res.text);
        calls.push(res.body.id);
      }
      // Disconnect mid-lifecycle: the calls go on producing events while B's client is away.
      await first.waitFor((events) => events.length >= 2, 'the first events on B');
      first.close();
      const seen = first.events;

      for (const id of calls)
        await waitForCall(
          apiA,
          id,
          (c) => c.status === 'completed' && c.summary !== null && c.recording_url !== null,
          `call ${id} and its report`,
        );
      const truth = (await apiA.get(`/v1/events?after=${start}&limit=200`)).body.data;
      assert.deepEqual(new Set(truth.map((e: any) => e.call_id)), new Set(calls));
      assert.ok(truth.length > seen.length, `${truth.length} events, ${seen.length} seen before the disconnect`);
      assert.deepEqual(seen, truth.slice(0, seen.length), 'B streamed what A wrote, in sequence order');

      const resumed = await SseClient.open(`${b.url}/v1/events/stream`, {
        key: adminKey,
        lastEventId: first.parser.lastEventId,
      });
      streams.push(resumed);
      const last = truth.at(-1).sequence;
      await resumed.waitForSequence(last);
      assert.deepEqual(
        [...seen, ...resumed.events.filter((e) => e.sequence <= last)],
        truth,
        'no gaps, no duplicates across the reconnect',
      );

      // And live again: a new call through A reaches the resumed stream on B.
      const res = await apiA.post('/v1/calls', {
        to: '+15550160003',
        agent_id: sandbox.agentId,
        provider: 'hmsovereign',
      });
      assert.equal(res.status, 201, res.text);
      await resumed.waitFor(
        (events) => events.some((e) => e.call_id === res.body.id && e.type === 'call.completed'),
        'the third call to complete on B',
      );
      const sequences = resumed.events.map((e) => e.sequence);
      assert.deepEqual(
        [...sequences].sort((x, y) => x - y),
        sequences,
      );
    } finally {
      streams.forEach((s) => s.close());
      await Promise.all(procs.map((p) => p.stop()));
      await db.dispose();
    }
  });
});
