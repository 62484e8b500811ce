import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { pollUntil } from '@switchboard/simulators/testing';
import type { EventResponse } from '../../src/events/event-log.repository';
import { EventLogRepository } from '../../src/events/event-log.repository';
import type { EventNotifier } from '../../src/events/notifier/event-notifier';
import { EVENT_NOTIFIER } from '../../src/events/notifier/event-notifier';
import { LISTENER_APPLICATION_NAME } from '../../src/events/notifier/postgres-event-notifier';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf, waitForCall } from '../support/calls';
import { client } from '../support/http';
import { metric, openUnreadStream, SseClient, SseParser } from '../support/sse';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** Where a stream opened without a position starts, from its first comment. */
const startOf = (stream: SseClient) =>
  pollUntil(
    () => stream.comments.map((c) => /^connected; events after sequence (\d+)$/.exec(c)).find(Boolean),
    Boolean,
    { what: 'the connected comment' },
  ).then((m) => Number(m![1]));

/** Every event after `after`, through GET /v1/events (the truth a stream is compared with). */
async function logAfter(api: Api, after: number, query = ''): Promise<any[]> {
  const out: any[] = [];
  for (;;) {
    const page = (await api.get(`/v1/events?after=${after}&limit=200${query}`)).body;
    out.push(...page.data);
    if (!page.has_more) return out;
    after = page.data.at(-1).sequence;
  }
}

const upTo = (events: any[], last: number) => events.filter((e) => e.sequence <= last);

/** An event committed by "another instance": a row of the log, then that instance's notice. */
async function otherInstanceAppends(admin: Client): Promise<number> {
  const id = `evt_${randomBytes(13).toString('hex')}`;
  const { rows } = await admin.query(
    `INSERT INTO events (id, type, call_id, data) VALUES ($1, 'call.updated', NULL, '{}') RETURNING sequence`,
    [id],
  );
  await admin.query(`SELECT pg_notify('switchboard_events', 'another-instance')`);
  return Number(rows[0].sequence);
}

/**
 * GET /v1/events/stream: the log, live. The fallback poll is set to ten minutes here, so
 * every event that arrives in time was delivered through a notification.
 */
describe('GET /v1/events/stream', () => {
  let gw: TestGateway;
  let api: Api;
  let sb: Sandbox;
  let n = 0;
  const streamUrl = (query = '') => `${gw.url}/v1/events/stream${query}`;
  const open = (query = '', options: { lastEventId?: string; key?: string | null } = {}) =>
    SseClient.open(streamUrl(query), { key: gw.adminKey, ...options });
  const streams: SseClient[] = [];
  const tracked = async (stream: Promise<SseClient>) => {
    const s = await stream;
    streams.push(s);
    return s;
  };

  /** Places a call and waits for its last report, after which nothing more happens to it. */
  const completedCall = async () => {
    const res = await api.post('/v1/calls', {
      to: `+1555015${String(++n).padStart(4, '0')}`,
      agent_id: sb.agentId,
      provider: 'hmsovereign',
    });
    assert.equal(res.status, 201, res.text);
    return waitForCall(
      api,
      res.body.id,
      (c) => c.status === 'completed' && c.summary !== null && c.recording_url !== null,
      `call ${res.body.id} and its report`,
    );
  };

  before(async () => {
    gw = await startTestGateway({
      RECONCILE_FINAL_READ_SECONDS: '3600',
      SSE_POLL_INTERVAL_MS: '600000',
      SSE_HEARTBEAT_MS: '150',
      SSE_MAX_STREAMS_PER_KEY: '6',
    });
    api = client(gw.url, gw.adminKey);
    sb = await sandboxOf(api);
    await configureSimulators(sb, { ring_ms: 100, talk_ms: 300 });
  });
  after(async () => {
    streams.forEach((s) => s.close());
    await gw.close();
  });

  it("delivers a call's lifecycle live, in sequence order, id = sequence, data = the event as GET /v1/events shows it", async () => {
    const stream = await tracked(open());
    assert.equal(stream.status, 200, stream.text);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(stream.headers.get('cache-control'), 'no-cache');
    assert.equal(stream.headers.get('x-accel-buffering'), 'no');
    assert.ok(stream.headers.get('x-request-id'));
    assert.ok(stream.headers.get('x-ratelimit-limit'));
    const start = await startOf(stream);
    const before = await logAfter(api, 0);
    assert.equal(start, before.at(-1)?.sequence ?? 0, 'a stream without a position starts at the end of the log');

    const call = await completedCall();
    const truth = await logAfter(api, start);
    assert.ok(truth.length >= 4, `${truth.length} events`);
    assert.deepEqual(new Set(truth.map((e) => e.call_id)), new Set([call.id]));
    assert.deepEqual(
      truth.map((e) => e.type).filter((t) => ['call.created', 'call.in_progress', 'call.completed'].includes(t)),
      ['call.created', 'call.in_progress', 'call.completed'],
    );
    await stream.waitForSequence(truth.at(-1).sequence);
    assert.deepEqual(upTo(stream.events, truth.at(-1).sequence), truth);
    for (const m of stream.messages) {
      const event = JSON.parse(m.data);
      assert.equal(m.id, String(event.sequence));
      assert.equal(m.event, event.type);
    }
  });

  it('resumes after a disconnect with Last-Event-ID: exactly the events missed, no gaps, no duplicates', async () => {
    const first = await tracked(open('?after=0'));
    const all = await logAfter(api, 0);
    await first.waitForSequence(all.at(-1).sequence);
    assert.deepEqual(upTo(first.events, all.at(-1).sequence), all, '?after=0 replays the whole log');
    const seen = first.events.slice(0, 3);
    first.close();
    await first.waitForEnd();

    // Events keep coming while nobody listens.
    await completedCall();
    const truth = await logAfter(api, 0);
    const resumed = await tracked(open('', { lastEventId: String(seen.at(-1).sequence) }));
    await resumed.waitForSequence(truth.at(-1).sequence);
    assert.deepEqual([...seen, ...upTo(resumed.events, truth.at(-1).sequence)], truth);
    resumed.close();
  });

  it('resumes with ?after= the same way, and Last-Event-ID wins over ?after= (an EventSource reconnects to its first URL)', async () => {
    const truth = await logAfter(api, 0);
    const middle = truth[Math.floor(truth.length / 2)].sequence;
    const byQuery = await tracked(open(`?after=${middle}`));
    await byQuery.waitForSequence(truth.at(-1).sequence);
    assert.deepEqual(
      upTo(byQuery.events, truth.at(-1).sequence),
      truth.filter((e) => e.sequence > middle),
    );
    byQuery.close();

    const both = await tracked(open('?after=0', { lastEventId: String(middle) }));
    await both.waitForSequence(truth.at(-1).sequence);
    assert.equal(both.events[0].sequence, truth.find((e) => e.sequence > middle).sequence);
    both.close();
  });

  it('filters by type (comma lists, call.*) and by call, live and from the past', async () => {
    const past = await logAfter(api, 0);
    const byType = await tracked(open('?after=0&type=call.created,call.completed'));
    const wildcard = await tracked(open('?after=0&type=call.*'));
    const call = await completedCall();
    const byCall = await tracked(open(`?after=0&call_id=${call.id}`));
    const truth = await logAfter(api, 0);
    const last = truth.at(-1).sequence;

    const typed = truth.filter((e) => ['call.created', 'call.completed'].includes(e.type));
    assert.ok(
      typed.some((e) => e.sequence > past.at(-1).sequence),
      'some arrived live',
    );
    await byType.waitForSequence(typed.at(-1).sequence);
    assert.deepEqual(upTo(byType.events, last), typed);
    assert.deepEqual(upTo(byType.events, last), await logAfter(api, 0, '&type=call.created,call.completed'));

    await wildcard.waitForSequence(last);
    assert.deepEqual(upTo(wildcard.events, last), truth);

    const ofCall = truth.filter((e) => e.call_id === call.id);
    await byCall.waitForSequence(ofCall.at(-1).sequence);
    assert.deepEqual(upTo(byCall.events, last), ofCall);
    [byType, wildcard, byCall].forEach((s) => s.close());
  });

  it('sends a heartbeat comment at the configured interval while nothing happens', async () => {
    const stream = await tracked(open());
    await startOf(stream);
    await pollUntil(
      () => stream.comments.filter((c) => c === 'heartbeat').length,
      (count) => count >= 3,
      { what: 'three heartbeats' },
    );
    assert.deepEqual(stream.messages, [], 'comments dispatch no event');
    stream.close();
  });

  it('refuses bad positions and filters with 422 in the envelope before any stream starts; needs events:read', async () => {
    const badHeader = await open('', { lastEventId: 'evt_01jz0000000000000000000000' });
    assert.equal(badHeader.status, 422);
    assert.match(badHeader.headers.get('content-type') ?? '', /^application\/json/);
    const envelope = JSON.parse(badHeader.text);
    assert.equal(envelope.error.code, 'validation_failed');
    assert.deepEqual(
      envelope.error.details.map((d: any) => d.field),
      ['Last-Event-ID'],
    );
    assert.ok(envelope.error.request_id);

    const badQuery = await open('?after=x&type=CALL%20X&limit=5');
    assert.equal(badQuery.status, 422, badQuery.text);
    assert.deepEqual(
      JSON.parse(badQuery.text)
        .error.details.map((d: any) => d.field)
        .sort(),
      ['after', 'limit', 'type'],
    );

    assert.equal((await open('', { key: null })).status, 401);
    const key = await api.post('/v1/keys', { name: 'calls only', scopes: ['calls:read'] });
    assert.equal((await open('', { key: key.body.key })).status, 403);
  });

  it('holds at most SSE_MAX_STREAMS_PER_KEY streams per key (429 rate_limited beyond), and frees a slot when one closes', async () => {
    const key = (await api.post('/v1/keys', { name: 'streams', scopes: ['events:read'] })).body.key;
    const held = await Promise.all([0, 1, 2, 3, 4, 5].map(() => tracked(open('', { key }))));
    assert.deepEqual(
      held.map((s) => s.status),
      [200, 200, 200, 200, 200, 200],
    );
    const refused = await open('', { key });
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.text).error.code, 'rate_limited');
    assert.ok(refused.headers.get('retry-after'));
    assert.equal((await tracked(open(''))).status, 200, 'another key is not affected');
    held[0].close();
    const again = await pollUntil(
      () => open('', { key }),
      (s) => s.status === 200,
      { what: 'a slot to free up' },
    );
    streams.push(again);
  });

  it('on real PostgreSQL, survives losing its LISTEN session: events written meanwhile and afterwards still arrive', async (t) => {
    if (gw.database.kind !== 'postgres') {
      t.diagnostic('embedded database: notifications are in-process, there is no session to lose');
      return;
    }
    const admin = new Client({ connectionString: gw.database.env.DATABASE_URL });
    await admin.connect();
    try {
      const listener = async () =>
        (
          await admin.query(
            'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
            [LISTENER_APPLICATION_NAME],
          )
        ).rows.map((r) => r.pid);
      const [before] = await listener();
      assert.ok(before, 'one listening session');
      const stream = await tracked(open());
      const start = await startOf(stream);

      const terminated = await admin.query('SELECT pg_terminate_backend($1) AS ok', [before]);
      assert.equal(terminated.rows[0].ok, true);
      // Another instance's commit: this one's own wake its streams in process, so only
      // another's depends on the session. Most likely committed before the new session
      // listens, so its NOTIFY reaches no one: the wake-up every new session sends is what
      // delivers it.
      const meanwhile = await otherInstanceAppends(admin);
      await pollUntil(listener, (pids) => pids.length === 1 && pids[0] !== before, { what: 'a new listening session' });
      await stream.waitForSequence(meanwhile, 5_000);
      // And the new session hears the next one: once it listens (its wake-up is sent then,
      // so this commit can only come through a notification).
      const notifier = gw.gateway.app.get<EventNotifier>(EVENT_NOTIFIER);
      await pollUntil(
        () => notifier.listening,
        (listening) => listening,
        { what: 'LISTEN on the new session' },
      );
      const afterwards = await otherInstanceAppends(admin);
      await stream.waitForSequence(afterwards, 5_000);
      const truth = await logAfter(api, start);
      assert.deepEqual(upTo(stream.events, truth.at(-1).sequence), truth);
    } finally {
      await admin.end();
    }
  });
});

/** Streams and the parts of the gateway around them: missed notifications, slow clients, shutdown. */
describe('event streams under stress', () => {
  let gw: TestGateway;
  let log: EventLogRepository;
  let dataSource: DataSource;

  before(async () => {
    gw = await startTestGateway({
      SSE_POLL_INTERVAL_MS: '200',
      SSE_SLOW_CLIENT_TIMEOUT_MS: '400',
      SWITCHBOARD_SANDBOX: 'off',
    });
    log = gw.gateway.app.get(EventLogRepository);
    dataSource = gw.gateway.app.get(DataSource);
  });
  after(() => gw.close());

  const append = (count: number, bytes: number): Promise<EventResponse[]> =>
    dataSource.transaction((tx) =>
      log.append(
        tx,
        Array.from({ length: count }, () => ({
          type: 'call.updated',
          callId: null,
          data: { padding: 'x'.repeat(bytes) },
        })),
      ),
    );

  it('an event whose notification never came still arrives, through the fallback poll', async () => {
    const stream = await SseClient.open(`${gw.url}/v1/events/stream`, { key: gw.adminKey });
    try {
      await startOf(stream);
      // Written beside the log's append, so no NOTIFY is sent: as if it had been lost.
      const [row] = await dataSource.query(
        `INSERT INTO events (id, type, call_id, data) VALUES ('evt_01jz00000000000000000000aa', 'call.updated', NULL, '{}') RETURNING sequence`,
      );
      const events = await stream.waitForSequence(Number(row.sequence), 5_000);
      assert.deepEqual(
        events.map((e) => e.id),
        ['evt_01jz00000000000000000000aa'],
      );
    } finally {
      stream.close();
    }
  });

  it('disconnects a client that never reads instead of buffering for it; it resumes with Last-Event-ID', async (t) => {
    const slowBefore = await metric(gw.url, gw.adminKey, 'switchboard_event_streams_ended_total', {
      reason: 'slow_client',
    });
    const start = await log.lastSequence();
    const unread = await openUnreadStream(
      Number(new URL(gw.url).port),
      `/v1/events/stream?after=${start}`,
      gw.adminKey,
    );
    await pollUntil(
      () => metric(gw.url, gw.adminKey, 'switchboard_event_streams_open'),
      (open) => open === 1,
      { what: 'the stream to open' },
    );

    // Far more than socket buffers hold, in batches until the gateway gives up on the client.
    const written: EventResponse[] = [];
    await pollUntil(
      async () => {
        written.push(...(await append(4, 256 * 1024)));
        return metric(gw.url, gw.adminKey, 'switchboard_event_streams_ended_total', { reason: 'slow_client' });
      },
      (slow) => slow === slowBefore + 1 || written.length >= 400,
      { timeoutMs: 60_000, intervalMs: 20, what: 'the slow client to be disconnected' },
    );
    assert.equal(
      await metric(gw.url, gw.adminKey, 'switchboard_event_streams_ended_total', { reason: 'slow_client' }),
      slowBefore + 1,
      `disconnected after ${written.length} events`,
    );
    assert.equal(await metric(gw.url, gw.adminKey, 'switchboard_event_streams_open'), 0);

    const raw = await unread.drain();
    assert.match(raw, /^HTTP\/1\.[01] 200/);
    const parser = new SseParser();
    parser.feed(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    const got = parser.events.map((e) => e.sequence);
    const sequences = written.map((e) => e.sequence);
    assert.ok(
      got.length < sequences.length,
      `the client got ${got.length} of ${sequences.length} events: the rest was never buffered for it`,
    );
    assert.deepEqual(got, sequences.slice(0, got.length), 'what it got is a gapless prefix');
    t.diagnostic(
      `disconnected after ${written.length} events of 256 KB were written; the client had received ${got.length}`,
    );

    const resumed = await SseClient.open(`${gw.url}/v1/events/stream`, {
      key: gw.adminKey,
      lastEventId: parser.lastEventId ?? String(start),
    });
    try {
      await resumed.waitForSequence(sequences.at(-1)!, 30_000);
      assert.deepEqual([...got, ...resumed.events.map((e) => e.sequence)], sequences);
    } finally {
      resumed.close();
    }
  });

  it('shutdown ends open streams and does not wait on them', async () => {
    const streams = await Promise.all(
      [0, 1].map(() => SseClient.open(`${gw.url}/v1/events/stream`, { key: gw.adminKey })),
    );
    await Promise.all(streams.map(startOf));
    const began = Date.now();
    await gw.gateway.close();
    assert.ok(Date.now() - began < 5_000, `close took ${Date.now() - began} ms`);
    await Promise.all(streams.map((s) => s.waitForEnd()));
  });
});

/**
 * Who hears a commit, and when: this instance's streams at once, in process; the other
 * instances through one NOTIFY per EVENT_NOTICE_DELAY_MS, carrying this instance's origin.
 * The delay is set long here, so a stream that has the event before any notice came shows
 * the in-process wake-up.
 */
describe('event notices', () => {
  let gw: TestGateway;
  let admin: Client | undefined;

  before(async () => {
    gw = await startTestGateway({
      SSE_POLL_INTERVAL_MS: '600000',
      EVENT_NOTICE_DELAY_MS: '1000',
      SWITCHBOARD_SANDBOX: 'off',
    });
  });
  after(async () => {
    await admin?.end();
    await gw.close();
  });

  it("wakes this instance's streams at once and sends the other instances one notice for the commits of its delay", async (t) => {
    const notices: (string | undefined)[] = [];
    if (gw.database.kind === 'postgres') {
      admin = new Client({ connectionString: gw.database.env.DATABASE_URL });
      await admin.connect();
      admin.on('notification', (n) => n.channel === 'switchboard_events' && notices.push(n.payload));
      await admin.query('LISTEN switchboard_events');
    } else t.diagnostic('embedded database: no second session to listen from; the in-process wake-up is still shown');
    const log = gw.gateway.app.get(EventLogRepository);
    const dataSource = gw.gateway.app.get(DataSource);
    const stream = await SseClient.open(`${gw.url}/v1/events/stream`, { key: gw.adminKey });
    try {
      await startOf(stream);
      const appended = await Promise.all(
        Array.from({ length: 5 }, () =>
          dataSource.transaction((tx) => log.append(tx, [{ type: 'call.updated', callId: null, data: {} }])),
        ),
      );
      const last = Math.max(...appended.map(([e]) => e.sequence));
      // Its own notices' echo is skipped and the poll is ten minutes away: only the wake-up
      // in process can bring these.
      await stream.waitForSequence(last);
      if (!admin) return;
      const origin = gw.gateway.app.get<EventNotifier>(EVENT_NOTIFIER).origin;
      await pollUntil(
        () => notices.length,
        (n) => n > 0,
        { what: 'the notice for the other instances' },
      );
      // One more commit and its notice: notices go one at a time, so any other notice for
      // the five would have come before it.
      await dataSource.transaction((tx) => log.append(tx, [{ type: 'call.updated', callId: null, data: {} }]));
      await pollUntil(
        () => notices.length,
        (n) => n > 1,
        { what: "the next commit's notice" },
      );
      assert.deepEqual(notices, [origin, origin], 'one notice for the five commits, one for the next');
    } finally {
      stream.close();
    }
  });
});
