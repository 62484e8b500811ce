import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// Compiled to dist/test/e2e: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');
const bin = (pkg: string, path: string) => join(ROOT, 'node_modules', pkg, path);

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

async function node(args: string[]): Promise<Finished> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw e;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Writes files into a fresh folder under libs/core/src (a path every linter config covers),
 * runs `work`, and removes the folder whatever happens.
 */
async function withPlanted<T>(files: Record<string, string>, work: (paths: string[]) => Promise<T>): Promise<T> {
  const dir = join(ROOT, 'libs/core/src', `__house_rules_${process.pid}_${randomBytes(4).toString('hex')}__`);
  mkdirSync(dir);
  try {
    const paths = Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return relative(ROOT, join(dir, name));
    });
    return await work(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SELF = 'test/e2e/house-rules.e2e-spec.ts';

/**
 * The house rules are kept by `npm run lint` (scripts/lint.mjs, run by .ci/run before the
 * tests). This suite plants one violation for each tool inside the tree and checks that the
 * tool rejects it under the rule meant to catch it, so a config change that quietly stops
 * covering a rule or a path fails here. Linting the whole tree is the lint phase's job; it is
 * too slow for a test on a busy machine, except the import rules, which are quick.
 */
describe('house rules are kept by the linters', () => {
  it('eslint rejects a floating promise (type-aware) and passes clean code', { timeout: 240_000 }, async () => {
    const planted = [
      'async function work(): Promise<number> {',
      '  return 1;',
      '}',
      '',
      'export function caller(): void {',
      '  work();',
      '}',
      '',
    ].join('\n');
    await withPlanted({ 'floating.ts': planted }, async ([file]) => {
      const result = await node([bin('eslint', 'bin/eslint.js'), '--format', 'json', '--no-warn-ignored', file, SELF]);
      assert.equal(result.code, 1, result.stderr || result.stdout);
      const reports = JSON.parse(result.stdout) as {
        filePath: string;
        messages: { ruleId: string | null; line: number }[];
      }[];
      const byFile = new Map(reports.map((r) => [relative(ROOT, r.filePath), r.messages]));
      assert.deepEqual(
        byFile.get(file)?.map((m) => [m.ruleId, m.line]),
        [['@typescript-eslint/no-floating-promises', 6]],
      );
      assert.deepEqual(byFile.get(SELF), [], 'this file itself is clean');
    });
  });

  it('prettier --check rejects a file not in the house format', { timeout: 120_000 }, async () => {
    await withPlanted({ 'unformatted.ts': 'export const x = {a:1,\n  b : "two"}\n' }, async ([file]) => {
      const result = await node([bin('prettier', 'bin/prettier.cjs'), '--check', file]);
      assert.notEqual(result.code, 0, result.stdout);
      assert.match(result.stdout + result.stderr, /unformatted\.ts/);
    });
  });

  it(
    'dependency-cruiser rejects libs/core importing the app, under the architecture rules',
    { timeout: 120_000 },
    async () => {
      const planted =
        "import { loadConfig } from '../../../../src/config/load-config';\n\nexport const load = loadConfig;\n";
      await withPlanted({ 'forbidden.ts': planted }, async ([file]) => {
        const result = await node([
          bin('dependency-cruiser', 'bin/dependency-cruise.mjs'),
          '--config',
          '.dependency-cruiser.cjs',
          '--output-type',
          'json',
          file,
        ]);
        // The JSON reporter exits 0 whatever it finds (the lint phase's default reporter exits
        // non-zero on an error): the verdict is in the summary.
        const { summary } = JSON.parse(result.stdout) as {
          summary: { error: number; violations: { from: string; to: string; rule: { name: string } }[] };
        };
        assert.ok(summary.error > 0, result.stdout);
        const fromPlanted = summary.violations.filter((v) => v.from === file).map((v) => [v.rule.name, v.to]);
        assert.deepEqual(fromPlanted.sort(), [
          ['core-imports-nothing-of-ours', 'src/config/load-config.ts'],
          ['libs-never-import-src', 'src/config/load-config.ts'],
        ]);
      });
    },
  );

  it('the real tree keeps the import rules', { timeout: 120_000 }, async () => {
    const result = await node([
      bin('dependency-cruiser', 'bin/dependency-cruise.mjs'),
      '--config',
      '.dependency-cruiser.cjs',
      'src',
      'libs',
      'test',
      'bench',
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /no dependency violations found/);
  });
});
