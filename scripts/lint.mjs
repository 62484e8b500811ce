#!/usr/bin/env node
// `npm run lint`: ESLint (type-aware), Prettier's check and dependency-cruiser's import rules.
// All three run even when one fails, so one run shows every kind of finding; the last line
// names the linters that failed, and the exit status is non-zero if any did.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const binOf = (pkg, name) => {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest);
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
};

const LINTERS = [
  { name: 'eslint', bin: binOf('eslint', 'eslint'), args: ['--max-warnings=0', '.'] },
  { name: 'prettier', bin: binOf('prettier', 'prettier'), args: ['--check', '--log-level=warn', '.'] },
  {
    name: 'dependency-cruiser',
    bin: binOf('dependency-cruiser', 'depcruise'),
    args: ['--config', '.dependency-cruiser.cjs', 'src', 'libs', 'test', 'bench'],
  },
];

const only = process.argv.slice(2);
const failed = [];
for (const linter of LINTERS.filter((l) => only.length === 0 || only.includes(l.name))) {
  console.log(`lint: ${linter.name}`);
  const result = spawnSync(process.execPath, [linter.bin, ...linter.args], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(linter.name);
}
console.log(failed.length ? `lint: FAILED: ${failed.join(', ')}` : 'lint: all linters passed');
process.exit(failed.length ? 1 : 0);
