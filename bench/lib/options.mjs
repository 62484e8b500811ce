// Command-line options shared by the benchmark scripts: `--name value` pairs and bare `--flag`s.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: builds, child scripts and profile labels are resolved against it. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

export function benchOptions(argv = process.argv.slice(2)) {
  // A value that starts with `--` is the next option, not this one's value.
  const opt = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[i + 1] : fallback;
  };
  const flag = (name) => argv.includes(`--${name}`);
  return {
    opt,
    flag,
    number: (name, fallback) => Number(opt(name, fallback)),
    dist: resolve(root, opt('dist', process.env.BENCH_DIST ?? 'dist')),
    pgServer: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}
