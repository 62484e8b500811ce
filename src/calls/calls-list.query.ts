import { idFloorAt, isIdOf } from '@switchboard/core';
import { isRegisteredProvider } from '@switchboard/providers';
import { decodeCursor, pageSize } from '../common/pagination';
import { normalizeDestination } from './destination';
import type { ListCallsDto } from './dto/call.dto';

/** How often a 4-run occurs among the calls' number runs (0 to 1), from the table's statistics; undefined when not among them. */
export type GramFrequency = (gram: string) => number | undefined;

/**
 * Two 4-runs that every number holding `digits` holds, for the calls_number_grams index
 * (src/database/migrations/1764310000000-list-indexes.ts); LIKE keeps the real matches. The
 * index's cost is reading each run's posting list, and a run shared by most numbers of a
 * deployment (its country and area code) is a list of nearly every row: `5500` in half the
 * bench's calls, against `0532` in under 0.1 % (3.0 ms of index scan against 0.2–0.3 ms).
 * With `frequency`, the statistics ANALYZE keeps of the index's runs (NumberGramStats), the
 * two rarest runs of the whole of `digits` are asked for; a run the statistics do not list
 * is rarer than every one they do. Without them, the first and last runs of the last seven
 * digits, since leading digits are the likeliest to be shared.
 */
export function numberGrams(digits: string, frequency?: GramFrequency): string[] {
  if (digits.length < 4) return [];
  if (!frequency) {
    const tail = digits.slice(-7);
    return [...new Set([tail.slice(0, 4), tail.slice(-4)])];
  }
  const runs = [...new Set(Array.from({ length: digits.length - 3 }, (_, i) => digits.slice(i, i + 4)))];
  // Rarest first; between equals the later run, nearer the end of the number.
  const ranked = runs
    .map((run, position) => ({ run, position, seen: frequency(run) ?? 0 }))
    .sort((a, b) => a.seen - b.seen || b.position - a.position);
  return ranked.slice(0, 2).map((r) => r.run);
}

/** Digits with phone formatting around them: `+1 (415) 555-0121`, `5550121`. */
const NUMBER_LIKE = /^[\d\s()+.-]+$/;

/** How far apart a call's created_at and its id's time may be (see filterCalls). */
export const ID_TIME_SLACK_MS = 60_000;

/** The WHERE conditions of GET /v1/calls's filters and their parameters, `$1` on. */
export interface CallsFilter {
  conditions: string[];
  values: unknown[];
}

/**
 * Every filter of GET /v1/calls, served from the gateway's cache, as hand-written conditions
 * on `calls c`: the list is a hot path (src/calls/calls.repository.ts sends them), and
 * TypeORM's builder re-generated the SQL and mapped every row through its aliases on each
 * request. `legacyIdCeiling`: the highest id written before ids carried created_at (below);
 * `gramFrequency`: the number runs' statistics, for choosing the runs a number search asks for.
 * The texts depend only on which filters are set, never on their values.
 */
export function filterCalls(
  query: ListCallsDto,
  legacyIdCeiling: string | null = null,
  gramFrequency?: GramFrequency,
): CallsFilter {
  const conditions = ['c.deleted_at IS NULL'];
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const number = (value: string) => normalizeDestination(value)?.value ?? value;
  if (query.status) conditions.push(`c.status = ${param(query.status)}`);
  if (query.provider) {
    const column = isRegisteredProvider(query.provider) ? 'provider' : 'connection_id';
    conditions.push(`c.${column} = ${param(query.provider)}`);
  }
  if (query.connection_id) conditions.push(`c.connection_id = ${param(query.connection_id)}`);
  if (query.agent_id) conditions.push(`c.agent_id = ${param(query.agent_id)}`);
  if (query.direction) conditions.push(`c.direction = ${param(query.direction)}`);
  if (query.to) conditions.push(`c."to" = ${param(number(query.to))}`);
  if (query.from) conditions.push(`c."from" = ${param(number(query.from))}`);
  if (query.q) {
    const q = query.q.trim();
    if (isIdOf('call', q)) conditions.push(`c.id = ${param(q)}`);
    else {
      // Only a q written as a number searches the numbers: the digits inside a vendor id
      // (`bench-500001`) are not part of a number, and matching them made every such search a
      // read of all calls whose numbers hold those digits.
      const digits = NUMBER_LIKE.test(q) ? q.replace(/[^\d+]/g, '') : '';
      // The vendor id's index is call_vendor_ids (migration 1764350000000), whose key leads
      // with it: looked up once (an InitPlan), the ids it gives are a primary key condition,
      // which also serves as one arm of a BitmapOr beside the number search.
      const vendorId = `c.id = ANY(ARRAY(SELECT v.call_id FROM call_vendor_ids v WHERE v.provider_call_id = ${param(q)}))`;
      if (digits.length < 3) conditions.push(vendorId);
      else {
        // From four digits on, calls_number_grams finds the candidates (a row holding the
        // digits holds each of their 4-runs) and LIKE keeps the real matches; three digits
        // are in so many numbers that walking the newest calls finds a page soonest. Written
        // as (id or runs) and (id or LIKE), the same as id or (runs and LIKE), so the runs are
        // only the index condition and never recomputed for each candidate row.
        const grams = numberGrams(digits, gramFrequency);
        if (grams.length)
          conditions.push(`(${vendorId} OR call_number_grams(c."to", c."from") @> ${param(grams)}::text[])`);
        const like = param(`%${digits}%`);
        conditions.push(`(${vendorId} OR c."to" LIKE ${like} OR c."from" LIKE ${like})`);
      }
    }
  }
  const bounds = createdAtBounds(query);
  // Ids are minted at created_at (src/calls/call-factory.ts), so each bound is also a range of
  // the id the list is ordered by: the primary key (or a (filter, id) index) walks only the
  // window. The exact created_at comparison stays; the id range is widened by ID_TIME_SLACK_MS
  // as a margin. Calls stored before ids carried created_at may have an id later than their
  // created_at (never earlier), so only the upper bound needs care: it reaches at least the
  // highest such id (migration 1764330000000), which on a new database is none.
  if (bounds.from) {
    conditions.push(`c.created_at >= ${param(bounds.from)}`);
    conditions.push(`c.id >= ${param(idFloorAt('call', new Date(bounds.from.getTime() - ID_TIME_SLACK_MS)))}`);
  }
  if (bounds.until) {
    conditions.push(`c.created_at < ${param(bounds.until)}`);
    const idUntil = idFloorAt('call', new Date(bounds.until.getTime() + ID_TIME_SLACK_MS));
    if (legacyIdCeiling && legacyIdCeiling >= idUntil) conditions.push(`c.id <= ${param(legacyIdCeiling)}`);
    else conditions.push(`c.id < ${param(idUntil)}`);
  }
  if (query.metadata && Object.keys(query.metadata).length) {
    // Each string pair's calls, newest first, from call_metadata_pairs (migration
    // 1764600000000): the planner walks the rarest pair's entries backwards and stops at the
    // page. Containment stays as the exact condition (the pairs are digests), and is the whole
    // condition for a value that is not a string (`metadata[a][b]=x`), which no stored pair
    // holds.
    for (const [key, value] of Object.entries(query.metadata))
      if (typeof value === 'string')
        conditions.push(
          `c.id IN (SELECT m.call_id FROM call_metadata_pairs m WHERE m.pair = call_metadata_pair(${param(key)}, ${param(value)}))`,
        );
    conditions.push(`c.metadata @> ${param(JSON.stringify(query.metadata))}::jsonb`);
  }
  return { conditions, values };
}

/**
 * One page of the filtered calls, newest first and keyset-paged from the cursor (see
 * src/common/pagination.ts): the filter's conditions, the cursor's, and the limit, one row past
 * the page to tell whether there is more.
 */
export function callsPageQuery(
  filter: CallsFilter,
  query: Pick<ListCallsDto, 'limit' | 'cursor'>,
): { where: string; values: unknown[] } {
  const values = [...filter.values];
  const conditions = [...filter.conditions];
  if (query.cursor !== undefined) conditions.push(`c.id < $${values.push(decodeCursor(query.cursor))}`);
  values.push(pageSize(query) + 1);
  return { where: conditions.join(' AND '), values };
}

/** The page statement's text, `select` the column list: the limit is the last of the values. */
export function callsPageText(where: string, select: string, limitParam: number): string {
  return `SELECT ${select} FROM calls c WHERE ${where} ORDER BY c.id DESC LIMIT $${limitParam}`;
}

/**
 * created_after / created_before as a half-open range on the stored column. The API shows
 * created_at in whole milliseconds and Postgres keeps microseconds, so both filters compare
 * the millisecond the client saw: "after T" excludes everything inside T's millisecond (it
 * starts at T + 1 ms), "before T" ends just before T. Date parses to whole milliseconds, so
 * both bounds sit on a millisecond boundary and need no truncation of the column.
 */
export function createdAtBounds(query: Pick<ListCallsDto, 'created_after' | 'created_before'>): {
  from?: Date;
  until?: Date;
} {
  return {
    from: query.created_after ? new Date(Date.parse(query.created_after) + 1) : undefined,
    until: query.created_before ? new Date(Date.parse(query.created_before)) : undefined,
  };
}
