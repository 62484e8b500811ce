#!/usr/bin/env node
// `npm run build`, used by `npm start`, `npm test` and `npm run simulators`.
//
// It never deletes dist. Deleting it made every start a full build and pulled the files out
// from under a gateway already running from dist. Instead:
// - an incremental tsc (dist/.tsbuildinfo) rebuilds only what changed, and nothing at all
//   runs when no input is newer than the last build, so a restart costs well under a second;
// - outputs whose source is gone are removed (a deleted spec must not keep running), and a
//   missing output forgets the build info, because incremental tsc would not emit it again;
// - one build at a time (a lock directory), so two commands started together do not write
//   the same files at once.
// `npm run clean` removes dist for a from-scratch build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const DIST = 'dist';
const ROOTS = ['src', 'libs', 'test', 'bench'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const BUILD_INFO = join(DIST, '.tsbuildinfo');
const LOCK = join(DIST, '.build.lock');
const STALE_LOCK_MS = 10 * 60_000;

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function lock() {
  mkdirSync(DIST, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A build killed half way leaves its lock behind; no build takes this long.
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else if (!announced) {
        console.log('build: another build is running; waiting for it');
        announced = true;
      }
      sleep(200);
    }
  }
}

const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;
const isSource = (path) => path.endsWith('.ts') && !path.endsWith('.d.ts');

function removeStaleOutputs() {
  let removed = 0;
  for (const output of ROOTS.flatMap((root) => walk(join(DIST, root)))) {
    if (!OUTPUT.test(output) || existsSync(relative(DIST, output).replace(OUTPUT, '.ts'))) continue;
    rmSync(output);
    removed += 1;
  }
  if (removed) console.log(`build: removed ${removed} output file(s) whose source is gone`);
}

function upToDate(sources) {
  if (!existsSync(BUILD_INFO)) return false;
  const built = statSync(BUILD_INFO).mtimeMs;
  const inputs = [...sources, ...CONFIG_FILES.filter((f) => existsSync(f))];
  return inputs.every((input) => statSync(input).mtimeMs <= built);
}

function run(bin, args) {
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (result.status === 0) return;
  // tsc writes its build info even when it reports errors: date it back so the next build runs again.
  if (existsSync(BUILD_INFO)) utimesSync(BUILD_INFO, 0, 0);
  rmSync(LOCK, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

const require = createRequire(import.meta.url);
const binOf = (pkg, name) => {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest);
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
};

lock();
try {
  removeStaleOutputs();
  const sources = ROOTS.flatMap((root) => walk(root)).filter(isSource);
  if (sources.some((source) => !existsSync(join(DIST, source.replace(/\.ts$/, '.js')))))
    rmSync(BUILD_INFO, { force: true });
  if (upToDate(sources)) {
    console.log('build: dist is up to date');
  } else {
    const started = new Date();
    run(binOf('typescript', 'tsc'), ['-p', 'tsconfig.build.json']);
    run(binOf('tsc-alias', 'tsc-alias'), ['-p', 'tsconfig.build.json']);
    // Dated to the start, so a file saved while tsc ran counts as newer next time; tsc itself
    // leaves the file untouched when nothing needed emitting (a file only touched).
    utimesSync(BUILD_INFO, started, started);
  }
} finally {
  rmSync(LOCK, { recursive: true, force: true });
}
