#!/usr/bin/env node
// Lists the installed packages whose `engines.node` excludes the running Node: the ones
// `npm ci` reports as EBADENGINE. Reads package-lock.json, which records each package's engines.
// Usage: node scripts/check-engines.mjs   (exit code 0 either way; it reports, it does not judge)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const semver = createRequire(import.meta.url)('semver');
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const rows = Object.entries(lock.packages)
  .filter(([path, info]) => path !== '' && typeof info.engines?.node === 'string')
  .filter(([, info]) => !semver.satisfies(process.version, info.engines.node, { includePrerelease: true }))
  .map(
    ([path, info]) =>
      `${path.replace(/^.*node_modules\//, '').padEnd(40)} ${info.version.padEnd(9)} node ${info.engines.node.padEnd(10)} ${info.dev ? 'dev' : ''}  (${path})`,
  );
console.log(`${rows.length} packages want another Node than ${process.version}${rows.length ? ':' : ''}`);
for (const row of rows) console.log(`  ${row}`);
