import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TAKE_FROM_LOG } from './1764100100000-rate-budgets';

// The take through the rings, kept apart so that 1764500000000 (the leases) can put it back in its down().
export const TAKE_FROM_RINGS = `
      CREATE OR REPLACE FUNCTION switchboard_take_rate_budget(
        p_key text, p_scopes text[], p_limits integer[], p_windows_ms bigint[], p_block_scopes text[]
      ) RETURNS TABLE (granted boolean, retry_after_ms bigint, window_index integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_now timestamptz;
        v_blocked timestamptz;
        v_ring_size integer;
        v_ring_taken bigint;
        v_size integer[] := '{}';
        v_taken bigint[] := '{}';
        v_oldest timestamptz;
        v_worst timestamptz;
        v_worst_index integer := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('switchboard_rate_budget:' || p_key, 0));
        -- Read after the lock: now() is the transaction's start, which may precede a take that
        -- committed while this one waited, and its slot would then leave the window too early.
        v_now := clock_timestamp();
        SELECT max(b.blocked_until) INTO v_blocked FROM rate_budget_blocks b
          WHERE b.budget_key = p_key AND b.scope = ANY (p_block_scopes);
        IF v_blocked > v_now THEN
          RETURN QUERY SELECT false, ceil(extract(epoch FROM v_blocked - v_now) * 1000)::bigint, 0;
          RETURN;
        END IF;
        FOR i IN 1 .. coalesce(array_length(p_scopes, 1), 0) LOOP
          SELECT r.ring_size, r.ring_taken INTO v_ring_size, v_ring_taken
            FROM switchboard_rate_budget_ring(p_key, p_scopes[i], p_windows_ms[i], p_limits[i]) r;
          v_size[i] := v_ring_size;
          v_taken[i] := v_ring_taken;
          CONTINUE WHEN v_taken[i] < p_limits[i];
          -- Take number n is in slot n % size: the window's limit-th newest take is number taken - limit.
          SELECT s.taken_at INTO v_oldest FROM rate_budget_slots s
            WHERE s.budget_key = p_key AND s.scope = p_scopes[i] AND s.window_ms = p_windows_ms[i]
              AND s.slot = ((v_taken[i] - p_limits[i]) % v_size[i])::integer;
          IF FOUND AND v_oldest > v_now - p_windows_ms[i] * interval '1 millisecond' THEN
            IF v_worst IS NULL OR v_oldest + p_windows_ms[i] * interval '1 millisecond' > v_worst THEN
              v_worst := v_oldest + p_windows_ms[i] * interval '1 millisecond';
              v_worst_index := i;
            END IF;
          END IF;
        END LOOP;
        IF v_worst IS NOT NULL THEN
          RETURN QUERY SELECT false, greatest(1, ceil(extract(epoch FROM v_worst - v_now) * 1000))::bigint, v_worst_index;
          RETURN;
        END IF;
        FOR i IN 1 .. coalesce(array_length(p_scopes, 1), 0) LOOP
          INSERT INTO rate_budget_slots (budget_key, scope, window_ms, slot, taken_at)
            VALUES (p_key, p_scopes[i], p_windows_ms[i], (v_taken[i] % v_size[i])::integer, v_now)
            ON CONFLICT (budget_key, scope, window_ms, slot) DO UPDATE SET taken_at = EXCLUDED.taken_at;
          UPDATE rate_budget_rings r SET taken = r.taken + 1, last_at = v_now
            WHERE r.budget_key = p_key AND r.scope = p_scopes[i] AND r.window_ms = p_windows_ms[i];
        END LOOP;
        RETURN QUERY SELECT true, 0::bigint, 0;
      END
      $$`;

/**
 * Vendor rate budgets in the database at a constant cost per take (issue #15). The log of
 * 1764100100000 counted every entry a window held on each take (`count(*)` over the window):
 * fine for Kalem's documented 60 a minute, but a connection whose `rate_limits` allow 100 000
 * an hour made every create count up to 100 000 rows under the budget's lock (the suite, with
 * budgets on and the limits raised: 300 creates/s and 3 ms of Postgres CPU per create, against
 * 1 000 and 0.5 ms without budgets).
 *
 * The rule stays the same, strict sliding windows: a take is refused while the window holds
 * `limit` takes, and the window admits one more when its limit-th newest take leaves it. Only
 * the `limit` newest takes can ever decide that, so each window keeps those, in a ring:
 * `rate_budget_rings` holds a window's size (its limit, or the largest it had) and how many
 * takes it recorded, `rate_budget_slots` the time of each, take number n in slot n % size. Room
 * in the window means its limit-th newest take (number taken - limit) has left it, or there
 * are fewer than `limit` takes so far. A take reads one ring row and one slot per window and
 * writes them, whatever the limit; both updates are HOT (no indexed column changes).
 *
 * A ring is keyed by (budget, scope, window length). A new window, or one whose limit grew
 * past its size, is (re)built from the newest takes of its scope's ring taken from last (the
 * largest of those), or of the old log (the entries recorded before this migration) when the
 * scope has no ring yet, so a change of limits, or this upgrade, does not forget takes that
 * still count. The function keeps its name and signature: instances still running the old
 * code take through rings too. The old log is no longer written; it is read only to seed
 * rings, and can be dropped once every budget has its rings.
 */
export class RateBudgetRings1764400000000 implements MigrationInterface {
  name = 'RateBudgetRings1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_budget_rings (
        budget_key text NOT NULL,
        scope text NOT NULL,
        window_ms bigint NOT NULL,
        size integer NOT NULL CHECK (size > 0),
        taken bigint NOT NULL,
        last_at timestamptz,
        PRIMARY KEY (budget_key, scope, window_ms)
      ) WITH (fillfactor = 80)`);
    await q.query(`
      CREATE TABLE rate_budget_slots (
        budget_key text NOT NULL,
        scope text NOT NULL,
        window_ms bigint NOT NULL,
        slot integer NOT NULL,
        taken_at timestamptz NOT NULL,
        PRIMARY KEY (budget_key, scope, window_ms, slot)
      ) WITH (fillfactor = 80)`);
    // The ring of one window with at least `p_limit` slots, made when missing and rebuilt
    // larger when the limit grew past it (never smaller: a limit lowered and raised again must
    // still see the takes in between). Called under the budget's lock.
    await q.query(`
      CREATE FUNCTION switchboard_rate_budget_ring(
        p_key text, p_scope text, p_window_ms bigint, p_limit integer, OUT ring_size integer, OUT ring_taken bigint
      ) LANGUAGE plpgsql AS $$
      DECLARE
        v_source bigint;
        v_kept timestamptz[];
      BEGIN
        SELECT r.size, r.taken INTO ring_size, ring_taken FROM rate_budget_rings r
          WHERE r.budget_key = p_key AND r.scope = p_scope AND r.window_ms = p_window_ms;
        IF FOUND AND ring_size >= p_limit THEN
          RETURN;
        END IF;
        ring_size := p_limit;
        -- Every ring of a scope in use records each of its takes, the newest as many as its
        -- size: the one taken from last (a window no longer configured stops), the largest of
        -- those, this window's own if it is resized. With none, the old log.
        SELECT r.window_ms INTO v_source FROM rate_budget_rings r
          WHERE r.budget_key = p_key AND r.scope = p_scope
          ORDER BY r.last_at DESC NULLS LAST, r.size DESC LIMIT 1;
        IF FOUND THEN
          SELECT coalesce(array_agg(k.taken_at ORDER BY k.taken_at), '{}') INTO v_kept FROM (
            SELECT s.taken_at FROM rate_budget_slots s
            WHERE s.budget_key = p_key AND s.scope = p_scope AND s.window_ms = v_source
            ORDER BY s.taken_at DESC LIMIT ring_size) k;
        ELSE
          SELECT coalesce(array_agg(k.taken_at ORDER BY k.taken_at), '{}') INTO v_kept FROM (
            SELECT e.taken_at FROM rate_budget_entries e
            WHERE e.budget_key = p_key AND e.scope = p_scope
            ORDER BY e.taken_at DESC LIMIT ring_size) k;
        END IF;
        DELETE FROM rate_budget_slots s
          WHERE s.budget_key = p_key AND s.scope = p_scope AND s.window_ms = p_window_ms;
        -- Oldest first: slot i holds take number i, so the next take (number cardinality) lands right.
        INSERT INTO rate_budget_slots (budget_key, scope, window_ms, slot, taken_at)
          SELECT p_key, p_scope, p_window_ms, (k.n - 1)::integer, k.taken_at
          FROM unnest(v_kept) WITH ORDINALITY AS k(taken_at, n);
        INSERT INTO rate_budget_rings (budget_key, scope, window_ms, size, taken, last_at)
          VALUES (p_key, p_scope, p_window_ms, ring_size, cardinality(v_kept), v_kept[cardinality(v_kept)])
          ON CONFLICT (budget_key, scope, window_ms)
          DO UPDATE SET size = EXCLUDED.size, taken = EXCLUDED.taken, last_at = EXCLUDED.last_at;
        ring_taken := cardinality(v_kept);
      END
      $$`);
    await q.query(TAKE_FROM_RINGS);
  }

  async down(q: QueryRunner): Promise<void> {
    // The log's function as 1764100100000 made it; takes recorded in rings since are not carried back.
    await q.query(TAKE_FROM_LOG);
    await q.query('DROP FUNCTION switchboard_rate_budget_ring(text, text, bigint, integer)');
    await q.query('DROP TABLE rate_budget_slots');
    await q.query('DROP TABLE rate_budget_rings');
  }
}
