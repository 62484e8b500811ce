import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository stands on its own: no tracked file points at a place that exists only on
 * the machine it was written on, or cites vendor documents kept outside the repository
 * (docs/vendors/ holds the vendor facts), and every code path docs/ names exists.
 */
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: __dirname, encoding: 'utf8' }).trim();
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path !== '' && existsSync(join(root, path)));
const THIS_FILE = 'test/unit/repository-paths.spec.ts';

/** What no tracked file may contain, with why. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [
    /\.\.\/shared\b|(^|[\s`'"(])shared\/(vendors|design)\b/,
    'a folder outside the repository (vendor facts live in docs/vendors/)',
  ],
  [
    /(^|[\s`'"(=:])\/(work|root|home|Users|mnt)\/[\w.-]/,
    'an absolute path of one machine (use a path relative to the repository)',
  ],
  [/\b[A-Z]:\\Users\\/, 'an absolute Windows path of one machine'],
  [
    /\bseed \d{3}\b|README §\d|vendor README gap \d+|\bgaps[- ]table\b/i,
    'a source document outside the repository (cite docs/vendors/<vendor>.md)',
  ],
  [
    /(?<!docs\/vendors\/)\b(kalem|klen|kaicalls|hmsovereign)\.md\b|\bhms-sovereign\.md\b|\bvendor notes\b/i,
    'vendor notes outside the repository (cite docs/vendors/<vendor>.md)',
  ],
  [/\b(API|ARCHITECTURE|DATABASE|STYLE)\.md\b/, 'a design document outside the repository (cite docs/ or the README)'],
];

function textOf(path: string): string | null {
  const bytes = readFileSync(join(root, path));
  // Binary files (images, archives) hold no citations.
  return bytes.includes(0) ? null : bytes.toString('utf8');
}

describe('the repository stands on its own', () => {
  it('lists the tracked files', () => {
    assert.ok(tracked.includes('README.md') && tracked.includes(THIS_FILE), `ran in ${root}`);
  });

  it('no tracked file points outside the repository or at one machine', () => {
    const problems: string[] = [];
    for (const path of tracked) {
      if (path === THIS_FILE || path.startsWith('docs/vendors/')) continue;
      const text = textOf(path);
      if (text === null) continue;
      text.split('\n').forEach((line, i) => {
        for (const [pattern, why] of FORBIDDEN)
          if (pattern.test(line)) problems.push(`${path}:${i + 1}: ${why}: ${line.trim().slice(0, 160)}`);
      });
    }
    assert.deepEqual(problems, []);
  });

  it('docs/ points only at files that exist', () => {
    const docs = tracked.filter((path) => path.startsWith('docs/') && path.endsWith('.md'));
    assert.ok(
      docs.filter((path) => path.startsWith('docs/vendors/')).length >= 5,
      'one page per vendor and the comparison',
    );
    const missing: string[] = [];
    let cited = 0;
    for (const doc of docs) {
      const text = textOf(doc) ?? '';
      for (const [pattern, why] of FORBIDDEN.slice(0, 3)) assert.doesNotMatch(text, pattern, `${doc}: ${why}`);
      for (const [, path] of text.matchAll(/`((?:libs|src|test|bench|scripts)\/[\w./<>-]+)`/g)) {
        // `<vendor>` stands for each of the four folders.
        const paths = path.includes('<vendor>')
          ? ['kalem', 'klen', 'kaicalls', 'hmsovereign'].map((v) => path.replace(/<vendor>/g, v))
          : [path];
        for (const p of paths) {
          cited += 1;
          const isFolder = p.endsWith('/');
          if (!(isFolder ? tracked.some((t) => t.startsWith(p)) : tracked.includes(p))) missing.push(`${doc}: ${p}`);
        }
      }
      const folder = doc.slice(0, doc.lastIndexOf('/') + 1);
      for (const [, link] of text.matchAll(/\]\(([\w.-]+\.md)\)/g))
        if (!tracked.includes(`${folder}${link}`)) missing.push(`${doc}: ${link}`);
    }
    assert.ok(cited > 40, `the pages cite the code (${cited} paths)`);
    assert.deepEqual(missing, []);
  });
});
