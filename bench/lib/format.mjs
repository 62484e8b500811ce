// Numbers and headings as the benchmark tables print them.
import { cpus } from 'node:os';

/** Nearest-rank percentile of an ascending array; NaN when it is empty. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `–` rather than NaN or Infinity, so an empty or zero row still prints as a table cell. */
export const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
export const signed = (n, d = 1) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(d)}` : '–');

/** The first line of a result: date, (commit,) machine, Node and PostgreSQL, so figures can be compared later. */
export function runHeading(pgVersion, commit) {
  return `${new Date().toISOString().slice(0, 10)}, ${commit === undefined ? '' : `commit ${commit || '?'}, `}${cpus().length} cores (${cpus()[0]?.model?.trim()}), node ${process.version}, PostgreSQL ${pgVersion}`;
}
