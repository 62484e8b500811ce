import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read side of the event log's ordering rule (src/events/event-log.repository.ts).
 * Appends hold the append lock in shared mode from taking their sequence numbers until
 * commit; this function takes it exclusively, so it returns only once every append that had
 * a number has committed or rolled back, and then reads the last sequence with a snapshot of
 * its own (a VOLATILE PL/pgSQL function's statements each take a fresh snapshot under READ
 * COMMITTED; the calling statement's is older than the wait). Every sequence up to the value
 * returned is final: a reader that stops there never later finds a new event below it. The
 * lock goes at the end of the caller's transaction, so it is called in autocommit.
 */
export class EventLogHead1764340000000 implements MigrationInterface {
  name = 'EventLogHead1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION switchboard_event_log_head(p_lock bigint)
      RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock);
        RETURN (SELECT COALESCE(max(sequence), 0) FROM events);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION switchboard_event_log_head(bigint)');
  }
}
