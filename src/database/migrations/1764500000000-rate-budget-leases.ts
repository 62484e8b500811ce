import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TAKE_FROM_RINGS } from './1764400000000-rate-budget-rings';

/**
 * Leased vendor rate budgets (issue #15): one take may ask for several units, which an
 * instance then hands out to its own requests for a short while (src/routing/rate-budget/
 * budget-lease.ts), so a busy connection takes budget a few times a second rather than once
 * per vendor request (each take is a plpgsql call under the budget's advisory lock, 0.4 ms of
 * Postgres CPU at 600 creates/s).
 *
 * A unit leased at t may be spent until t + slack, so each window counts a take for its
 * length plus its slack (p_slack_ms): then the units spent in any interval of the window's
 * length were taken in an interval of length + slack, which holds at most the limit. The
 * rings of 1764400000000 are kept as they are: take number n still lands in slot n % size,
 * a take of u units writes u slots, and it fits a window when take number taken + u - limit
 * (counted from 1: its limit-th newest after the take) has left it. When all u do not fit,
 * one is tried, as a single take always was.
 *
 * switchboard_take_rate_budget keeps its signature for instances still running the code
 * before this migration, and takes one unit through the new function with no slack; during
 * such an upgrade a window those instances share with leasing ones may admit up to a slack
 * early, once.
 */
export class RateBudgetLeases1764500000000 implements MigrationInterface {
  name = 'RateBudgetLeases1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION switchboard_lease_rate_budget(
        p_key text, p_scopes text[], p_limits integer[], p_windows_ms bigint[], p_slack_ms bigint[],
        p_block_scopes text[], p_units integer
      ) RETURNS TABLE (granted integer, retry_after_ms bigint, window_index integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_now timestamptz;
        v_blocked timestamptz;
        v_ring_size integer;
        v_ring_taken bigint;
        v_size integer[] := '{}';
        v_taken bigint[] := '{}';
        v_windows integer := coalesce(array_length(p_scopes, 1), 0);
        v_units integer;
        v_span interval;
        v_oldest timestamptz;
        v_worst timestamptz;
        v_worst_index integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('switchboard_rate_budget:' || p_key, 0));
        -- Read after the lock: now() is the transaction's start, which may precede a take that
        -- committed while this one waited, and its slots would then leave the window too early.
        v_now := clock_timestamp();
        SELECT max(b.blocked_until) INTO v_blocked FROM rate_budget_blocks b
          WHERE b.budget_key = p_key AND b.scope = ANY (p_block_scopes);
        IF v_blocked > v_now THEN
          RETURN QUERY SELECT 0, ceil(extract(epoch FROM v_blocked - v_now) * 1000)::bigint, 0;
          RETURN;
        END IF;
        FOR i IN 1 .. v_windows LOOP
          SELECT r.ring_size, r.ring_taken INTO v_ring_size, v_ring_taken
            FROM switchboard_rate_budget_ring(p_key, p_scopes[i], p_windows_ms[i], p_limits[i]) r;
          v_size[i] := v_ring_size;
          v_taken[i] := v_ring_taken;
        END LOOP;
        -- Never more than a window's limit at once (LEAST skips the NULL of no windows).
        v_units := greatest(1, least(p_units, (SELECT min(l) FROM unnest(p_limits) l)));
        LOOP
          v_worst := NULL;
          v_worst_index := 0;
          FOR i IN 1 .. v_windows LOOP
            CONTINUE WHEN v_taken[i] + v_units <= p_limits[i];
            v_span := (p_windows_ms[i] + p_slack_ms[i]) * interval '1 millisecond';
            SELECT s.taken_at INTO v_oldest FROM rate_budget_slots s
              WHERE s.budget_key = p_key AND s.scope = p_scopes[i] AND s.window_ms = p_windows_ms[i]
                AND s.slot = ((v_taken[i] + v_units - 1 - p_limits[i]) % v_size[i])::integer;
            IF FOUND AND v_oldest > v_now - v_span THEN
              IF v_worst IS NULL OR v_oldest + v_span > v_worst THEN
                v_worst := v_oldest + v_span;
                v_worst_index := i;
              END IF;
            END IF;
          END LOOP;
          EXIT WHEN v_worst IS NULL OR v_units = 1;
          v_units := 1;
        END LOOP;
        IF v_worst IS NOT NULL THEN
          RETURN QUERY SELECT 0, greatest(1, ceil(extract(epoch FROM v_worst - v_now) * 1000))::bigint, v_worst_index;
          RETURN;
        END IF;
        FOR i IN 1 .. v_windows LOOP
          INSERT INTO rate_budget_slots (budget_key, scope, window_ms, slot, taken_at)
            SELECT p_key, p_scopes[i], p_windows_ms[i], ((v_taken[i] + n) % v_size[i])::integer, v_now
            FROM generate_series(0, v_units - 1) n
            ON CONFLICT (budget_key, scope, window_ms, slot) DO UPDATE SET taken_at = EXCLUDED.taken_at;
          UPDATE rate_budget_rings r SET taken = r.taken + v_units, last_at = v_now
            WHERE r.budget_key = p_key AND r.scope = p_scopes[i] AND r.window_ms = p_windows_ms[i];
        END LOOP;
        RETURN QUERY SELECT v_units, 0::bigint, 0;
      END
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION switchboard_take_rate_budget(
        p_key text, p_scopes text[], p_limits integer[], p_windows_ms bigint[], p_block_scopes text[]
      ) RETURNS TABLE (granted boolean, retry_after_ms bigint, window_index integer)
      LANGUAGE sql AS $$
        SELECT l.granted > 0, l.retry_after_ms, l.window_index
        FROM switchboard_lease_rate_budget(p_key, p_scopes, p_limits, p_windows_ms,
          array_fill(0::bigint, ARRAY[coalesce(array_length(p_scopes, 1), 0)]), p_block_scopes, 1) l
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(TAKE_FROM_RINGS);
    await q.query(
      'DROP FUNCTION switchboard_lease_rate_budget(text, text[], integer[], bigint[], bigint[], text[], integer)',
    );
  }
}
