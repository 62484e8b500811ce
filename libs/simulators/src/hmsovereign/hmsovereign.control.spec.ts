import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../testing';
import type { RunningSimulator } from '../common';
import { SEEDED_ASSISTANT_IDS, startHmsSovereignSimulator } from './index';
import { assertShape, DOCUMENTED, HmsTestClient } from './hmsovereign.test-support';

describe('HMS Sovereign simulator: POST /calls/{id}/control', () => {
  let sim: RunningSimulator;
  let api: HmsTestClient;
  const record = async (id: string) => (await api.get(`/calls/${id}`)).body;
  const control = (id: string, body: unknown) => api.post(`/calls/${id}/control`, body);
  const until = (id: string, status: string) =>
    pollUntil(
      () => record(id),
      (r) => r.status === status,
      { what: `${id} ${status}` },
    );

  /** A call that stays in progress for the whole test (2 simulated hours = 36 real s at speed 200). */
  const liveCall = async (destination = '+31612345678') => {
    const id = await api.dial({
      destination,
      assistant_id: SEEDED_ASSISTANT_IDS.appointments,
      assistant_override: { max_duration_seconds: 7_200 },
    });
    await until(id, 'in-progress');
    return id;
  };

  before(async () => {
    sim = await startHmsSovereignSimulator({ speed: 200 });
    api = new HmsTestClient(sim);
  });
  after(() => sim.close());
  beforeEach(async () => {
    await api.control('reset', {});
    await api.control('scenario', { outcome: 'completed', ring_ms: 1_000, talk_ms: 7_200_000 });
  });

  it('accepts inject-context and say on a live call with the documented answer', async () => {
    const id = await liveCall();
    const inject = await control(id, {
      type: 'inject-context',
      content: 'Klant heeft al betaald.',
      trigger_response: false,
    });
    assert.equal(inject.status, 200);
    assert.deepEqual(inject.body, DOCUMENTED.controlResponse);
    const say = await control(id, { type: 'say', content: 'Een moment alstublieft.', end_after: false });
    assertShape(say.body, DOCUMENTED.controlResponse);
    const live = await record(id);
    assert.equal(live.status, 'in-progress');
    assert.deepEqual(live.messages.at(-1), { role: 'assistant', content: 'Een moment alstublieft.' });
    assert.deepEqual(
      (await api.control('calls')).calls[0].commands.map((c: any) => c.type),
      ['inject-context', 'say'],
    );
  });

  it('end-call on a live call ends it, after the last sentence', async () => {
    const id = await liveCall();
    const { status } = await control(id, { type: 'end-call', message: 'Tot ziens!' });
    assert.equal(status, 200);
    const ended = await until(id, 'ended');
    assert.equal(ended.error, null);
    assert.ok(ended.duration_seconds >= 1 && ended.duration_seconds < 7_200, String(ended.duration_seconds));
    assert.ok(ended.ended_at && ended.recording_url);
    assert.deepEqual(ended.messages.at(-1), { role: 'assistant', content: 'Tot ziens!' });
    const again = await control(id, { type: 'end-call' });
    assert.equal(again.status, 400);
    assert.match(again.body.message, /not active/);
  });

  it('say with end_after and transfer also end the call', async () => {
    const spoken = await liveCall('+31612345671');
    const transferred = await liveCall('+31612345672');
    assert.equal((await control(spoken, { type: 'say', content: 'Fijne dag!', end_after: true })).status, 200);
    assert.equal(
      (
        await control(transferred, {
          type: 'transfer',
          destination: 'sip:receptie@example.nl',
          message: 'Ik verbind u door.',
        })
      ).status,
      200,
    );
    assert.equal((await until(spoken, 'ended')).messages.at(-1).content, 'Fijne dag!');
    assert.match((await until(transferred, 'ended')).summary, /sip:receptie@example\.nl/);
  });

  it('rejects bad commands, unknown calls and calls that are not in progress', async () => {
    const id = await liveCall();
    const bad: [unknown, string][] = [
      [{ type: 'hangup' }, 'type'],
      [{ type: 'inject-context', content: 'x' }, 'trigger_response'],
      [{ type: 'say', end_after: true }, 'content'],
      [{ type: 'transfer', destination: '0201112233' }, 'destination'],
      [{ type: 'end-call', message: 42 }, 'message'],
    ];
    for (const [body, param] of bad) {
      const response = await control(id, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual([response.body.error, response.body.param], ['Bad Request', param]);
    }
    const missing = await control('call-outbound-nope', { type: 'end-call' });
    assert.deepEqual([missing.status, missing.body], [404, { error: 'Not Found', message: 'Call not found' }]);

    await api.control('scenario', { to: '+31611111111', ring_ms: 600_000 });
    const ringing = await api.dial({ destination: '+31611111111', assistant_id: SEEDED_ASSISTANT_IDS.appointments });
    assert.equal((await record(ringing)).status, 'connecting');
    assert.equal((await control(ringing, { type: 'end-call' })).status, 400);
  });

  it('allows 10 commands per minute per call, then 429 with Retry-After; other calls are unaffected', async () => {
    const id = await liveCall('+31612345673');
    const other = await liveCall('+31612345674');
    for (let i = 0; i < 10; i++) {
      const { status } = await control(id, { type: 'inject-context', content: `feit ${i}`, trigger_response: false });
      assert.equal(status, 200, `command ${i + 1}`);
    }
    const limited = await control(id, { type: 'say', content: 'Nog iets?', end_after: false });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limit_exceeded');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.equal((await control(other, { type: 'end-call' })).status, 200);
    assert.equal((await record(id)).status, 'in-progress');
  });
});
