#!/usr/bin/env node
// Runs the compiled test files with Node's own test runner. Node 20 has no glob support in
// `--test`, so the files are found here. Unit specs sit next to their code (*.spec.js);
// suites that start real infrastructure live in test/ (*.e2e-spec.js).
// Usage: node scripts/run-tests.mjs [--unit|--e2e] [filter-substring]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : 'all';
const filter = args.find((a) => !a.startsWith('--'));

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

const files = ['dist/libs', 'dist/src', 'dist/test']
  .flatMap((dir) => {
    try {
      return walk(dir);
    } catch {
      return [];
    }
  })
  .filter((f) => (only === 'unit' ? /\.spec\.js$/ : only === 'e2e' ? /\.e2e-spec\.js$/ : /\.(e2e-)?spec\.js$/).test(f))
  .filter((f) => !filter || f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error('no test files found (did the build run?)');
  process.exit(1);
}
console.log(`running ${files.length} test files`);
const concurrency = process.env.TEST_CONCURRENCY ?? String(Math.max(2, cpus().length));
const result = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=120000',
    ...files.map((f) => relative('.', f)),
  ],
  { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);
process.exit(result.status ?? 1);
