#!/usr/bin/env node
// `npm run lint`: ESLint (type-aware), Prettier's check and dependency-cruiser's import rules.
// All three run even when one fails, so one run shows every kind of finding; the last line
// names the linters that failed, and the exit status is non-zero if any did.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Each tool's own CLI, run by this node, so the check needs nothing on PATH.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (path) => join(ROOT, 'node_modules', path);

const LINTERS = [
  { name: 'eslint', bin: bin('eslint/bin/eslint.js'), args: ['--max-warnings=0', '.'] },
  { name: 'prettier', bin: bin('prettier/bin/prettier.cjs'), args: ['--check', '--log-level=warn', '.'] },
  {
    name: 'dependency-cruiser',
    bin: bin('dependency-cruiser/bin/dependency-cruise.mjs'),
    args: ['--config', '.dependency-cruiser.cjs', 'src', 'libs', 'test', 'bench'],
  },
];

const only = process.argv.slice(2);
const failed = [];
for (const linter of LINTERS.filter((l) => only.length === 0 || only.includes(l.name))) {
  console.log(`lint: ${linter.name}`);
  const result = spawnSync(process.execPath, [linter.bin, ...linter.args], { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) failed.push(linter.name);
}
console.log(failed.length ? `lint: FAILED: ${failed.join(', ')}` : 'lint: all linters passed');
process.exit(failed.length ? 1 : 0);
