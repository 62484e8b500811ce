import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { GramFrequency } from './calls-list.query';

/** How long a read of the statistics is used before it is read again (ANALYZE refreshes them as the table grows). */
export const GRAM_STATS_TTL_MS = 10 * 60_000;

// most_common_elem_freqs holds three more values than there are elements (minimum, maximum,
// null share): unnest pads the elements with nulls for them.
const READ_STATS = `
  SELECT u.run, u.share FROM pg_stats s,
    unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(run, share)
  WHERE s.schemaname = current_schema() AND s.tablename = 'calls_number_grams' AND u.run IS NOT NULL`;

/**
 * The statistics PostgreSQL keeps of the calls_number_grams index's runs (ANALYZE's most
 * common elements, with the share of rows holding each), so a number search asks the index
 * for its rarest runs (numberGrams). Never waited for by a request: until the first read
 * comes back, or when it failed, searches choose their runs without them.
 */
@Injectable()
export class NumberGramStats {
  private readonly logger = new Logger(NumberGramStats.name);
  private shares: Map<string, number> | null = null;
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The current figures (none yet: undefined), and a new read started when they are old. */
  frequency(now = Date.now()): GramFrequency | undefined {
    if (now - this.readAt > GRAM_STATS_TTL_MS) void this.refresh(now);
    const shares = this.shares;
    return shares && shares.size ? (run) => shares.get(run) : undefined;
  }

  /** Reads the statistics again (one read at a time); a failure keeps what was read before. */
  refresh(now = Date.now()): Promise<void> {
    this.reading ??= this.dataSource
      .query(READ_STATS)
      .then(
        (rows: { run: string; share: number }[]) => {
          this.shares = new Map(rows.map((r) => [r.run, Number(r.share)]));
          this.readAt = now;
        },
        (e: unknown) => {
          // Tried again after a minute rather than on every search during an outage.
          this.readAt = now - GRAM_STATS_TTL_MS + 60_000;
          this.logger.warn(`number-run statistics not read: ${(e as Error).message}`);
        },
      )
      .finally(() => (this.reading = null));
    return this.reading;
  }
}
