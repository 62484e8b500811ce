import type { MigrationInterface, QueryRunner } from 'typeorm';

// Windows arrive as parallel arrays (scope, limit, length in ms); p_block_scopes are the
// request's scopes whose 429 blocks apply. Returns the wait in ms when refused, and which
// window refused it (1-based; 0 = a block).
// Kept apart so that 1764400000000 (the rings) can put it back in its down().
export const TAKE_FROM_LOG = `
      CREATE OR REPLACE FUNCTION switchboard_take_rate_budget(
        p_key text, p_scopes text[], p_limits integer[], p_windows_ms bigint[], p_block_scopes text[]
      ) RETURNS TABLE (granted boolean, retry_after_ms bigint, window_index integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_now timestamptz;
        v_blocked timestamptz;
        v_count integer;
        v_free timestamptz;
        v_worst timestamptz;
        v_worst_index integer := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('switchboard_rate_budget:' || p_key, 0));
        -- Read after the lock: now() is the transaction's start, which may precede a take that
        -- committed while this one waited, and its entry would then expire too early.
        v_now := clock_timestamp();
        SELECT max(b.blocked_until) INTO v_blocked FROM rate_budget_blocks b
          WHERE b.budget_key = p_key AND b.scope = ANY (p_block_scopes);
        IF v_blocked > v_now THEN
          RETURN QUERY SELECT false, ceil(extract(epoch FROM v_blocked - v_now) * 1000)::bigint, 0;
          RETURN;
        END IF;
        FOR i IN 1 .. coalesce(array_length(p_scopes, 1), 0) LOOP
          SELECT count(*) INTO v_count FROM rate_budget_entries e
            WHERE e.budget_key = p_key AND e.scope = p_scopes[i] AND e.taken_at > v_now - p_windows_ms[i] * interval '1 millisecond';
          IF v_count >= p_limits[i] THEN
            -- The window frees up when its limit-th newest entry leaves it.
            SELECT e.taken_at + p_windows_ms[i] * interval '1 millisecond' INTO v_free FROM rate_budget_entries e
              WHERE e.budget_key = p_key AND e.scope = p_scopes[i]
              ORDER BY e.taken_at DESC OFFSET p_limits[i] - 1 LIMIT 1;
            IF v_worst IS NULL OR v_free > v_worst THEN
              v_worst := v_free;
              v_worst_index := i;
            END IF;
          END IF;
        END LOOP;
        IF v_worst IS NOT NULL THEN
          RETURN QUERY SELECT false, greatest(1, ceil(extract(epoch FROM v_worst - v_now) * 1000))::bigint, v_worst_index;
          RETURN;
        END IF;
        INSERT INTO rate_budget_entries (budget_key, scope, taken_at)
          SELECT DISTINCT p_key, s, v_now FROM unnest(p_scopes) AS s;
        -- Each scope keeps what its longest window can still see; nothing else is ever read.
        DELETE FROM rate_budget_entries e
          USING (SELECT s, max(w) AS w FROM unnest(p_scopes, p_windows_ms) AS t(s, w) GROUP BY s) longest
          WHERE e.budget_key = p_key AND e.scope = longest.s AND e.taken_at <= v_now - longest.w * interval '1 millisecond';
        RETURN QUERY SELECT true, 0::bigint, 0;
      END
      $$`;

/**
 * Vendor rate budgets shared by every instance on this database (used when REDIS_URL is
 * unset): a log of what each connection took per scope, and "blocked until" times set when a
 * vendor answered 429. `switchboard_take_rate_budget` decides and records a take in one round
 * trip, under a transaction advisory lock per budget key, on the database's clock, so
 * instances never count past a limit together whatever their own clocks say.
 *
 * The log is a sliding window, strict: a take is refused when any interval of a window's
 * length would hold more than its limit, so the gateway stays under the vendor however the
 * vendor itself windows (fixed, aligned or sliding).
 */
export class RateBudgets1764100100000 implements MigrationInterface {
  name = 'RateBudgets1764100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_budget_entries (
        budget_key text NOT NULL,
        scope text NOT NULL,
        taken_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX rate_budget_entries_window ON rate_budget_entries (budget_key, scope, taken_at DESC)`);
    await q.query(`
      CREATE TABLE rate_budget_blocks (
        budget_key text NOT NULL,
        scope text NOT NULL,
        blocked_until timestamptz NOT NULL,
        PRIMARY KEY (budget_key, scope)
      )`);
    await q.query(TAKE_FROM_LOG);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION switchboard_take_rate_budget(text, text[], integer[], bigint[], text[])');
    await q.query('DROP TABLE rate_budget_blocks');
    await q.query('DROP TABLE rate_budget_entries');
  }
}
