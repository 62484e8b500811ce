// Numbers and headings as the benchmark tables print them.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { root } from './options.mjs';

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

/** The checkout's short commit for a heading; '' outside a git checkout (the heading then says `?`). */
export function currentCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}
