// Command-line options shared by the benchmark scripts: `--name value` pairs and bare `--flag`s.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: builds, child scripts and profile labels are resolved against it. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** `--help`: the running script's opening comment, which says what it runs and takes; nothing is measured. */
function printHelp() {
  const lines = readFileSync(process.argv[1], 'utf8').split('\n');
  const start = lines[0].startsWith('#!') ? 1 : 0;
  const end = lines.findIndex((line, i) => i >= start && !line.startsWith('//'));
  console.log(
    lines
      .slice(start, end)
      .map((line) => line.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}

/**
 * The Node flags the gateway is started with in production: those between `node` and the
 * script in package.json's `start:prod` (none today; `start` and the Dockerfile's CMD are to
 * carry the same). The bench starts its gateways with them, so it measures the process users run.
 */
export function launchNodeFlags(packageJson = join(root, 'package.json')) {
  const script = JSON.parse(readFileSync(packageJson, 'utf8')).scripts?.['start:prod'] ?? '';
  const words = script.split(/\s+/);
  const node = words.indexOf('node');
  if (node === -1) return [];
  const flags = [];
  for (const word of words.slice(node + 1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

/** `--gateway-node flag,flag=value`: Node flags without their dashes, in place of launchNodeFlags(); `--gateway-node none` for none. */
export function nodeFlagsOption(value) {
  if (value === null || value === undefined) return undefined;
  return value === 'none'
    ? []
    : value
        .split(',')
        .filter(Boolean)
        .map((f) => `--${f}`);
}

export function benchOptions(argv = process.argv.slice(2)) {
  if (argv.includes('--help') || argv.includes('-h')) printHelp();
  // A value that starts with `--` is the next option, not this one's value.
  const opt = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[i + 1] : fallback;
  };
  const flag = (name) => argv.includes(`--${name}`);
  return {
    opt,
    flag,
    /** `--env NAME=value,NAME=value`: gateway variables applied over the stand's own (LOG_LEVEL=silent among them). */
    gatewayEnv: () =>
      Object.fromEntries(
        opt('env', '')
          .split(',')
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      ),
    number: (name, fallback) => Number(opt(name, fallback)),
    dist: resolve(root, opt('dist', process.env.BENCH_DIST ?? 'dist')),
    pgServer: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}
