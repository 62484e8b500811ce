import type { KalemCallRecord, KalemCallStatus } from './kalem.views';
import type { Validated } from './kalem.validation';
import { asInteger, display, ErrorBag } from './kalem.laravel';

export interface ListQuery {
  agentId: number | null;
  numberId: number | null;
  /** null = no status filter; an empty list matches nothing (`cancelled`). */
  statuses: KalemCallStatus[] | null;
  direction: 'inbound' | 'outbound' | null;
  dateFrom: Date | null;
  dateTo: Date | null;
  search: string | null;
  perPage: number;
  page: number;
}

/**
 * The documented filter vocabulary (hyphen, `cancelled`), plus the call object's
 * `in_progress` spelling, which docs/vendors/kalem.md § Statuses accepts as well.
 */
const STATUS_FILTERS: Record<string, KalemCallStatus[]> = {
  pending: ['pending'],
  ringing: ['ringing'],
  'in-progress': ['in_progress'],
  in_progress: ['in_progress'],
  completed: ['completed'],
  failed: ['failed'],
  // Never emitted by the simulator: nothing can be cancelled.
  cancelled: [],
};

export const DEFAULT_PER_PAGE = 15;
export const MAX_PER_PAGE = 100;

export function parseListQuery(query: Record<string, unknown>): Validated<ListQuery> {
  const bag = new ErrorBag();
  const text = (field: string): string | null => {
    const value = query[field];
    if (value === undefined || value === '') return null;
    if (typeof value === 'string') return value;
    bag.add(field, `The ${display(field)} field must be a string.`);
    return null;
  };
  const integer = (field: string): number | null => {
    const value = text(field);
    if (value === null) return null;
    const n = asInteger(value);
    if (n === null) bag.add(field, `The ${display(field)} field must be an integer.`);
    return n;
  };
  const date = (field: string, endOfDay: boolean): Date | null => {
    const value = text(field);
    if (value === null) return null;
    const parsed = parseDate(value, endOfDay);
    if (!parsed) bag.add(field, `The ${display(field)} field must be a valid date.`);
    return parsed;
  };

  const agentId = integer('agent_id');
  const numberId = integer('number_id');
  const status = text('status');
  const statuses = status === null ? null : (STATUS_FILTERS[status] ?? null);
  if (status !== null && !statuses) bag.add('status', 'The selected status is invalid.');
  const direction = text('direction');
  if (direction !== null && direction !== 'inbound' && direction !== 'outbound')
    bag.add('direction', 'The selected direction is invalid.');
  const dateFrom = date('date_from', false);
  const dateTo = date('date_to', true);
  const search = text('search');
  const perPage = integer('per_page') ?? DEFAULT_PER_PAGE;
  if (perPage < 1) bag.add('per_page', 'The per page field must be at least 1.');
  if (perPage > MAX_PER_PAGE) bag.add('per_page', `The per page field must not be greater than ${MAX_PER_PAGE}.`);
  // Laravel's paginator silently falls back to page 1 for a bad `page`.
  const rawPage = typeof query.page === 'string' ? asInteger(query.page) : null;
  const page = rawPage !== null && rawPage >= 1 ? rawPage : 1;

  if (!bag.empty) return { ok: false, errors: bag.errors };
  return {
    ok: true,
    value: {
      agentId,
      numberId,
      statuses,
      direction: direction as ListQuery['direction'],
      dateFrom,
      dateTo,
      search,
      perPage,
      page,
    },
  };
}

/** A bare date as an upper bound covers the whole day (Laravel `whereDate` style). */
function parseDate(value: string, endOfDay: boolean): Date | null {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const parsed = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed.getTime())) return null;
  return dateOnly && endOfDay ? new Date(parsed.getTime() + 86_399_999) : parsed;
}

/** Filters non-deleted calls; every simulated call is outbound. Newest first. */
export function filterCalls(calls: Iterable<KalemCallRecord>, q: ListQuery): KalemCallRecord[] {
  const needle = q.search?.toLowerCase().replace(/[\s()-]/g, '') ?? null;
  return [...calls]
    .filter(
      (c) =>
        !c.deleted &&
        (q.agentId === null || c.agent_id === q.agentId) &&
        (q.numberId === null || c.number_id === q.numberId) &&
        (q.statuses === null || q.statuses.includes(c.status)) &&
        (q.direction === null || q.direction === 'outbound') &&
        (q.dateFrom === null || c.created_at >= q.dateFrom) &&
        (q.dateTo === null || c.created_at <= q.dateTo) &&
        (needle === null || [c.call_id, c.to_number, c.from_number].some((v) => v.toLowerCase().includes(needle))),
    )
    .sort((a, b) => b.seq - a.seq);
}

export interface LaravelPage<T> {
  data: T[];
  links: { first: string; last: string; prev: string | null; next: string | null };
  meta: {
    current_page: number;
    from: number | null;
    last_page: number;
    path: string;
    per_page: number;
    to: number | null;
    total: number;
  };
}

/**
 * Laravel's length-aware paginator as an API resource collection. Links keep the other
 * query parameters (`withQueryString()`), so following `next` keeps the filters.
 */
export function paginate<T>(
  items: T[],
  page: number,
  perPage: number,
  path: string,
  query: Record<string, unknown>,
): LaravelPage<T> {
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const offset = (page - 1) * perPage;
  const data = items.slice(offset, offset + perPage);
  const kept = Object.entries(query).filter(([key, value]) => key !== 'page' && typeof value === 'string') as [
    string,
    string,
  ][];
  const url = (p: number) => `${path}?${new URLSearchParams([...kept, ['page', String(p)]]).toString()}`;
  return {
    data,
    links: {
      first: url(1),
      last: url(lastPage),
      prev: page > 1 ? url(page - 1) : null,
      next: page < lastPage ? url(page + 1) : null,
    },
    meta: {
      current_page: page,
      from: data.length ? offset + 1 : null,
      last_page: lastPage,
      path,
      per_page: perPage,
      to: data.length ? offset + data.length : null,
      total,
    },
  };
}
