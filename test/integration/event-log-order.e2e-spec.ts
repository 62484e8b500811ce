import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@switchboard/core';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { EventLogRepository } from '../../src/events/event-log.repository';
import { pollUntil } from '@switchboard/simulators/testing';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * A reader resuming with `after=<last sequence seen>` must never skip an event that commits
 * late. The old scheme (a bigserial taken at insert, no lock) is kept here, in the test only,
 * to show the check catches exactly that defect.
 */
async function appendLikeBefore(tx: EntityManager, type: string): Promise<void> {
  await tx.query(`INSERT INTO events (id, type, call_id, data) VALUES ($1, $2, NULL, '{}'::jsonb)`, [
    newId('event'),
    type,
  ]);
}

/** A transaction that appends, then stays open until `release` is called. */
function heldOpen(dataSource: DataSource, append: (tx: EntityManager) => Promise<void>) {
  let release!: () => void;
  let appended!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const didAppend = new Promise<void>((resolve) => (appended = resolve));
  const done = dataSource.transaction(async (tx) => {
    await append(tx);
    appended();
    await gate;
  });
  return { release, didAppend, done };
}

describe('event log: a reader resuming with after= never skips a late commit', () => {
  let gw: TestGateway;
  let log: EventLogRepository;
  let dataSource: DataSource;

  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
    log = gw.gateway.app.get(EventLogRepository);
    dataSource = gw.gateway.app.get(DataSource);
  });
  after(() => gw.close());

  /** Pages with after= until it has everything committed so far. */
  async function drain(after: number, seen: string[]): Promise<number> {
    for (;;) {
      const page = await log.list({ after, limit: 7 });
      for (const e of page.data) seen.push(e.id);
      if (page.data.length) after = page.data[page.data.length - 1].sequence;
      if (!page.has_more) return after;
    }
  }

  it('many writers with transactions of different lengths, one reader paging with after=: every event seen exactly once', async () => {
    const writers = 8;
    const perWriter = 20;
    let writing = true;
    const seen: string[] = [];
    const reader = (async () => {
      let cursor = 0;
      while (writing) cursor = await drain(cursor, seen);
      await drain(cursor, seen);
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          await dataSource.transaction(async (tx) => {
            await log.append(tx, [{ type: 'test.concurrent', callId: null, data: { w, i } }]);
            // Commit after a random delay, so commit order differs from the order numbers were asked for.
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 8));
          });
        }
      }),
    );
    writing = false;
    await reader;
    const all = (await dataSource.query(`SELECT id FROM events WHERE type = 'test.concurrent'`)).map(
      (r: { id: string }) => r.id,
    );
    assert.equal(all.length, writers * perWriter);
    assert.equal(new Set(seen).size, seen.length, 'no event read twice');
    assert.deepEqual([...seen].sort(), [...all].sort(), 'every committed event read');
  });

  // Needs two open transactions at once, which only a real server has: the embedded engine runs one at a time.
  it('a transaction that took its number first and commits last is not skipped (the old scheme skips it)', async (t) => {
    if (gw.database.kind !== 'postgres') {
      t.diagnostic('embedded database: transactions never overlap, so this ordering cannot arise there');
      return;
    }
    for (const scheme of ['locked', 'old'] as const) {
      const append = (type: string) => (tx: EntityManager) =>
        scheme === 'locked'
          ? log.append(tx, [{ type, callId: null, data: {} }]).then(() => undefined)
          : appendLikeBefore(tx, type);
      const start = Number((await dataSource.query('SELECT coalesce(max(sequence), 0) AS s FROM events'))[0].s);
      const slow = heldOpen(dataSource, append(`test.${scheme}.slow`));
      await slow.didAppend;
      // The fast writer asks for its number second and commits first: writers never wait on each other.
      await dataSource.transaction((tx) => append(`test.${scheme}.fast`)(tx));
      const seen: string[] = [];
      let cursor: number;
      if (scheme === 'locked') {
        // The reader waits instead, until the slow writer is done: its head is the one lock not granted.
        const reading = drain(start, seen);
        await pollUntil(
          async () =>
            Number(
              (
                await dataSource.query(
                  // This database's only: other test files' databases on the same server take advisory locks too.
                  `SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                   WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
                )
              )[0].n,
            ),
          (waiting) => waiting === 1,
          { timeoutMs: 5_000, intervalMs: 10, what: 'the reader to wait for the slow writer' },
        );
        assert.deepEqual(seen, [], 'nothing is read while a lower number is uncommitted');
        slow.release();
        await slow.done;
        cursor = await reading;
      } else {
        cursor = await drain(start, seen);
        slow.release();
        await slow.done;
      }
      cursor = await drain(cursor, seen);
      const written = (await dataSource.query('SELECT id, type FROM events WHERE sequence > $1', [start])) as {
        id: string;
        type: string;
      }[];
      const missed = written.filter((e) => !seen.includes(e.id)).map((e) => e.type);
      if (scheme === 'locked') assert.deepEqual(missed, [], 'nothing skipped');
      else assert.deepEqual(missed, ['test.old.slow'], 'the old scheme skips the late commit forever');
    }
  });
});
